# Documents: letters, statements and sheets, in German (the terms of the
# Civil Code's German version are to be confirmed: docs/glossary.md).
doc-page = Seite { $page } / { $pages }
doc-syndic = Verwalter: { $name }
doc-association = Vereinigung der Miteigentümer „{ $name }“
doc-bce = Unternehmensnummer { $number }
doc-place-date = { $city }, den { $date }
doc-greeting = Sehr geehrte Damen und Herren,
doc-regards = Mit freundlichen Grüßen
doc-signature = Der Verwalter
doc-total = Gesamt
doc-date = Datum
doc-description = Bezeichnung
doc-amount = Betrag
doc-generated = Erstellt von KoproGo am { $date }.
fund-working = Betriebskapital
fund-reserve = Rücklagenkapital
call-subject = Vorschussanforderung: { $title }
call-intro = Gemäß den Beschlüssen der Generalversammlung bitten wir Sie, die nachstehenden Vorschüsse zu zahlen, aufgeteilt unter den Miteigentümern am { $as_of }.
call-units = Lose: { $units }
call-key = Verteilerschlüssel: { $key }
call-key-general = Verteilerschlüssel: Anteile (allgemeiner Schlüssel)
call-due = Zahlbar spätestens am { $due }
call-fund = Kapital
pay-title = Zahlung
pay-beneficiary = Empfänger
pay-account = Konto (IBAN)
pay-communication = Strukturierte Mitteilung
pay-amount = Betrag
pay-scan = Scannen Sie den Code mit Ihrer Banking-App: die Überweisung ist vorausgefüllt.
pay-two-accounts = Das Rücklagenkapital wird auf einem getrennten Konto geführt (Zivilgesetzbuch, Art. 3.86 § 3): zwei Überweisungen mit derselben strukturierten Mitteilung.
pay-no-account = Für die Vereinigung ist noch kein Bankkonto erfasst: der Verwalter teilt es Ihnen mit.
pay-communication-note = Geben Sie genau diese Mitteilung an: Ihre Zahlung wird dann automatisch erkannt.
statement-title = Lastenabrechnung
statement-period = Zeitraum vom { $from } bis { $to }
statement-charges = Lasten des Zeitraums
statement-supplier = Lieferant
statement-key = Schlüssel
statement-key-general = Anteile
statement-unit = Los
statement-share = Anteil
statement-calls = Angeforderte Vorschüsse
statement-due-date = Fälligkeit
statement-payments = Erhaltene Zahlungen
statement-communication = Mitteilung
statement-summary = Kontostand
statement-owed = Saldo zu Ihren Lasten: { $amount }
statement-credit = Saldo zu Ihren Gunsten: { $amount }
statement-settled = Ihr Konto ist ausgeglichen.
statement-settlement = Lasten des Betriebskapitals: { $charges }; angeforderte Vorschüsse für dieses Kapital: { $called }; auszugleichender Unterschied: { $difference }.
statement-col-opening = Anfangssaldo
statement-col-called = Angefordert
statement-col-paid = Bezahlt
statement-col-closing = Endsaldo
statement-none = Keine.
reminder-subject-reminder = Zahlungserinnerung
reminder-subject-formal_notice = Inverzugsetzung
reminder-subject-last_notice = Letzte Mahnung vor gerichtlicher Beitreibung
reminder-body-reminder = Sofern kein Irrtum unsererseits vorliegt, sind die nachstehenden fälligen Beträge noch unbezahlt. Wir bitten Sie, sie baldmöglichst zu begleichen.
reminder-body-formal_notice = Trotz unserer Erinnerung sind die nachstehenden Beträge noch unbezahlt. Hiermit setzen wir Sie in Verzug, sie binnen { $days } Tagen zu zahlen. Andernfalls laufen ab heute Verzugszinsen, wenn die Satzung sie vorsieht.
reminder-body-last_notice = Trotz unserer Inverzugsetzung sind die nachstehenden Beträge noch unbezahlt. Ohne Zahlung binnen { $days } Tagen wird die Akte zur gerichtlichen Beitreibung weitergeleitet, auf Ihre Kosten.
reminder-line = { $title } (fällig am { $due })
reminder-principal = Fälliger Rückstand
reminder-fee = Kosten dieses Schreibens
reminder-earlier-fees = Kosten der vorigen Erinnerungen
reminder-interest = Verzugszinsen vom { $from } bis { $to } ({ $rate } % jährlich)
reminder-total = Geforderter Gesamtbetrag
reminder-ignore = Sollten Sie diese Zahlung inzwischen geleistet haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.
sheet-call = Anforderung
sheet-owner = Miteigentümer
sheet-units = Lose
sheet-communication = Mitteilung
sheet-expenses = Ausgaben
sheet-calls = Anforderungen
sheet-payments = Zahlungen
sheet-supplier = Lieferant
sheet-invoice = Rechnung
sheet-account = Konto MKP
sheet-vat = MwSt. %
sheet-status = Status
sheet-fund = Kapital
sheet-as-of = Datum der Anforderung
sheet-due = Fälligkeit
sheet-value-date = Valutadatum
sheet-counterparty = Auftraggeber
sheet-allocated = Zugeordnet zu
sheet-unallocated = Zuzuordnen
sheet-title = Titel
sheet-period = Vom { $from } bis { $to }
status-draft = Entwurf
status-approved = Genehmigt
status-paid = Bezahlt
invoice-title = Rechnung { $number }
invoice-date = Rechnungsdatum: { $date }
invoice-period = Zeitraum: { $from } bis { $to }
invoice-building = Gebäude (ein Monat)
invoice-net = Summe ohne MwSt.
invoice-vat = MwSt. { $rate } %
invoice-rule = { $price } pro Gebäude und Monat; ein Gebäude zählt für einen Monat, wenn es an einem Tag davon bestand; die ersten { $trial } Monate sind kostenlos.
call-cancelled = STORNIERT am { $day }: dieser Vorschussabruf ist storniert, bitte nicht zahlen. Bereits dafür Gezahltes bleibt Ihnen gutgeschrieben.
statement-cancelled = Stornierung
# The general assembly's results, explained (koprogo_domain::assembly::Line).
assembly-quorum-rule = Beschlussfähigkeit bei der Eröffnung (Art. { $article }), Miteigentümer gezählt { $head_count ->
    [per_person] pro Person
   *[other] pro Los
}.
assembly-quorum-heads = Anwesend oder vertreten: { $lots_present } von { $lots_total } Losen, { $persons_present } von { $persons_total } Personen.
assembly-quorum-half-and-half = Mehr als die Hälfte der Miteigentümer ({ $heads } von { $heads_total }) mit mindestens der Hälfte der Anteile ({ $quotas } von { $quotas_total }): { $met ->
    [true] erreicht
   *[other] nicht erreicht
}.
assembly-quorum-three-quarters = Mehr als drei Viertel der Anteile ({ $quotas } von { $quotas_total }): { $met ->
    [true] erreicht
   *[other] nicht erreicht
}.
assembly-proxy-limit = Vollmachten (Art. { $article }): { $mandators } Vollmachtgeber; über { $free } hinaus dürfen die Stimmen des Bevollmächtigten und seiner Vollmachtgeber ({ $votes } von { $total }) 10 % nicht übersteigen: { $within_ten_percent ->
    [true] sie übersteigen sie nicht
   *[other] sie übersteigen sie
}.
assembly-vote-rule = { $majority ->
    [two_thirds] Zweidrittelmehrheit
    [four_fifths] Vierfünftelmehrheit
    [unanimity] Einstimmigkeit
   *[other] Absolute Mehrheit
} (Art. { $article }){ $threshold ->
    [more_than] , verstanden als „mehr als“
   *[other] {""}
}.
assembly-vote-taking-part = An der Abstimmung nehmen teil: { $lots } Lose, { $quotas } Anteile.
assembly-vote-excluded = Wegen Interessenkonflikts von diesem Punkt ausgeschlossen: { $persons } Personen, { $lots } Lose.
assembly-vote-cap = Stimmenkürzung (Art. { $article }): { $person }, { $role ->
    [holder] als Bevollmächtigter
   *[other] als Vollmachtgeber
}, brachte { $engaged } Stimmen ein gegenüber { $others } der übrigen Anwesenden oder Vertretenen; berücksichtigt: { $retained }.
assembly-vote-count = Dafür: { $yes }; dagegen: { $no }; abgegebene Stimmen: { $cast }; Enthaltungen und nicht abgegebene Stimmen: { $not_cast }.
assembly-vote-absolute = Absolute Mehrheit: 2 × dafür = { $yes_scaled }, abgegebene Stimmen = { $cast_scaled }: { $met ->
    [true] erreicht
   *[other] nicht erreicht
}.
assembly-vote-qualified = { $den } × dafür = { $yes_scaled }; { $num } × abgegebene Stimmen = { $cast_scaled }: { $met ->
    [true] Mehrheit erreicht
   *[other] Mehrheit nicht erreicht
}.
assembly-vote-unanimity-all = Einstimmigkeit aller Miteigentümer: { $for } von { $needed } Losen dafür.
assembly-vote-unanimity-present = Einstimmigkeit der Anwesenden oder Vertretenen (zweite Versammlung): { $for } von { $needed } Losen dafür.
assembly-vote-result = { $adopted ->
    [true] Angenommen.
   *[other] Abgelehnt.
}
