#!/usr/bin/env python3
# Usage: bench/import-hold.py http://127.0.0.1:8080 ROWS [ordered]  (against `koprogo serve --demo`)
# Times an association import of N rows on a running server, while another
# organisation writes: how long the import takes and what the writers see.
import io, json, sys, threading, time, uuid, zipfile, urllib.request

base = sys.argv[1]
rows = int(sys.argv[2])
ORDERED = len(sys.argv) > 3
import random
BASE = (0x0190 << 48) + random.getrandbits(40)

def call(method, path, token=None, body=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", ctype)
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def login(email):
    s, b = call("POST", "/api/v1/auth/login", body={"email": email, "password": "koprogo-demo-2026"})
    return json.loads(b)["access_token"]

syndic = login("syndic@demo.koprogo.be")
other = login("benevole@demo.koprogo.be")
now = "2026-12-04T20:00:00.000000Z"
bid = str(uuid.uuid4())
building_cols = ["id","name","street","postal_code","city","country","bce_number","quota_base","construction_year","language",
  "working_fund_iban","reserve_fund_iban","year_start_month","year_start_day","unit_count","allocated_quota","expense_count","created_at","updated_at"]
building = [bid,"Import Test","Rue du Test 1","1000","Bruxelles","BE",None,1000,None,"fr",None,None,1,1,0,0,0,now,now]
owner_cols = ["id","kind","first_name","last_name","email","phone","street","postal_code","city","country","iban","language","bce_number","created_at","updated_at","email_consent_at","erased_at"]
owners = [[str(uuid.UUID(int=(BASE << 64) + n)) if ORDERED else str(uuid.uuid4()),"natural","Jean","Test%d" % n,None,None,None,None,None,None,None,"fr",None,now,now,None,None] for n in range(rows - 1)]
data = {"format":"koprogo-association/1","exported_at":now,"organization":"x","building_id":bid,
        "tables":[{"table":"buildings","columns":building_cols,"rows":[building]},{"table":"owners","columns":owner_cols,"rows":owners}]}
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("data.json", json.dumps(data))
payload = buf.getvalue()
print(f"zip {len(payload)/1e6:.1f} MB, data.json rows {rows}")

stop = False
lat = []
codes = {}
def writer():
    n = 0
    while not stop:
        n += 1
        t = time.time()
        s, b = call("POST", "/api/v1/owners", other, {"last_name": "Pendant%d" % n, "first_name": "Ecrit", "language": "fr"})
        lat.append(time.time() - t)
        codes[s] = codes.get(s, 0) + 1
        time.sleep(0.05)
th = threading.Thread(target=writer); th.start()
time.sleep(1)
t = time.time()
s, b = call("POST", "/api/v1/associations/import", syndic, raw=payload, ctype="application/zip")
took = time.time() - t
time.sleep(1)
stop = True; th.join()
lat.sort()
print(f"import: {s} in {took:.2f} s; {b[:200]!r}")
print(f"other organisation's writes: {len(lat)}, codes {codes}, max {max(lat)*1000:.0f} ms, p50 {lat[len(lat)//2]*1000:.0f} ms")
