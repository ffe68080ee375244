# Documents: letters, statements and sheets, in Dutch.
doc-page = Pagina { $page } / { $pages }
doc-syndic = Syndicus: { $name }
doc-association = Vereniging van mede-eigenaars "{ $name }"
doc-bce = Ondernemingsnummer { $number }
doc-place-date = { $city }, { $date }
doc-greeting = Geachte mevrouw, geachte heer,
doc-regards = Met vriendelijke groeten.
doc-signature = De syndicus
doc-total = Totaal
doc-date = Datum
doc-description = Omschrijving
doc-amount = Bedrag
doc-generated = Opgemaakt door KoproGo op { $date }.
fund-working = Werkkapitaal
fund-reserve = Reservekapitaal
call-subject = Opvraging van voorschotten: { $title }
call-intro = Overeenkomstig de beslissingen van de algemene vergadering vragen wij u de onderstaande voorschotten te storten, verdeeld onder de mede-eigenaars op { $as_of }.
call-units = Kavels: { $units }
call-key = Verdeelsleutel: { $key }
call-key-general = Verdeelsleutel: aandelen (algemene sleutel)
call-due = Te betalen uiterlijk op { $due }
call-fund = Kapitaal
pay-title = Betalen
pay-beneficiary = Begunstigde
pay-account = Rekening (IBAN)
pay-communication = Gestructureerde mededeling
pay-amount = Bedrag
pay-scan = Scan de code met uw bankapp: de overschrijving is vooraf ingevuld.
pay-two-accounts = Het reservekapitaal staat op een afzonderlijke rekening (Burgerlijk Wetboek, art. 3.86 § 3): twee overschrijvingen, met dezelfde gestructureerde mededeling.
pay-no-account = Er is nog geen bankrekening van de vereniging geregistreerd: de syndicus deelt ze u mee.
pay-communication-note = Vermeld precies deze mededeling: uw betaling wordt dan automatisch herkend.
statement-title = Afrekening van de lasten
statement-period = Periode van { $from } tot { $to }
statement-charges = Lasten van de periode
statement-supplier = Leverancier
statement-key = Sleutel
statement-key-general = Aandelen
statement-unit = Kavel
statement-share = Aandeel
statement-calls = Opgevraagde voorschotten
statement-due-date = Vervaldag
statement-payments = Ontvangen betalingen
statement-communication = Mededeling
statement-summary = Stand van de rekening
statement-owed = Saldo te uwen laste: { $amount }
statement-credit = Saldo in uw voordeel: { $amount }
statement-settled = Uw rekening staat op nul.
statement-settlement = Lasten van het werkkapitaal: { $charges }; opgevraagde voorschotten voor dit kapitaal: { $called }; te regulariseren verschil: { $difference }.
statement-col-opening = Beginsaldo
statement-col-called = Opgevraagd
statement-col-paid = Betaald
statement-col-closing = Eindsaldo
statement-none = Geen.
reminder-subject-reminder = Betalingsherinnering
reminder-subject-formal_notice = Ingebrekestelling
reminder-subject-last_notice = Laatste verwittiging vóór gerechtelijke invordering
reminder-body-reminder = Behoudens vergissing onzerzijds blijven de onderstaande vervallen bedragen onbetaald. Wij danken u om ze zo spoedig mogelijk te betalen.
reminder-body-formal_notice = Ondanks onze herinnering blijven de onderstaande bedragen onbetaald. Hierbij stellen wij u in gebreke ze binnen { $days } dagen te betalen. Zo niet, lopen vanaf vandaag verwijlintresten wanneer de statuten erin voorzien.
reminder-body-last_notice = Ondanks onze ingebrekestelling blijven de onderstaande bedragen onbetaald. Zonder betaling binnen { $days } dagen wordt het dossier overgemaakt voor gerechtelijke invordering, op uw kosten.
reminder-line = { $title } (vervaldag { $due })
reminder-principal = Vervallen achterstal
reminder-fee = Kosten van deze brief
reminder-earlier-fees = Kosten van de vorige herinneringen
reminder-interest = Verwijlintresten van { $from } tot { $to } ({ $rate } % per jaar)
reminder-total = Gevorderd totaal
reminder-ignore = Indien u deze betaling intussen hebt uitgevoerd, mag u deze brief als onbestaande beschouwen.
sheet-call = Opvraging
sheet-owner = Mede-eigenaar
sheet-units = Kavels
sheet-communication = Mededeling
sheet-expenses = Uitgaven
sheet-calls = Opvragingen
sheet-payments = Betalingen
sheet-supplier = Leverancier
sheet-invoice = Factuur
sheet-account = Rekening MAR
sheet-vat = Btw %
sheet-status = Status
sheet-fund = Kapitaal
sheet-as-of = Datum van de opvraging
sheet-due = Vervaldag
sheet-value-date = Valutadatum
sheet-counterparty = Opdrachtgever
sheet-allocated = Toegewezen aan
sheet-unallocated = Toe te wijzen
sheet-title = Titel
sheet-period = Van { $from } tot { $to }
status-draft = Ontwerp
status-approved = Goedgekeurd
status-paid = Betaald
invoice-title = Factuur { $number }
invoice-date = Factuurdatum: { $date }
invoice-period = Periode: van { $from } tot { $to }
invoice-building = Gebouw (één maand)
invoice-net = Totaal exclusief btw
invoice-vat = Btw { $rate } %
invoice-rule = { $price } per gebouw en per maand; een gebouw telt voor een maand als het op één dag ervan bestond; de eerste { $trial } maanden zijn gratis.
call-cancelled = GEANNULEERD op { $day }: deze opvraging is geannuleerd, betaal ze niet. Wat u er al voor betaalde, blijft in uw voordeel.
statement-cancelled = Annulering
# The general assembly's results, explained (koprogo_domain::assembly::Line).
assembly-quorum-rule = Quorum bij de opening (art. { $article }), mede-eigenaars geteld { $head_count ->
    [per_person] per persoon
   *[other] per kavel
}.
assembly-quorum-heads = Aanwezig of vertegenwoordigd: { $lots_present } kavels van { $lots_total }, { $persons_present } personen van { $persons_total }.
assembly-quorum-half-and-half = Meer dan de helft van de mede-eigenaars ({ $heads } van { $heads_total }) met minstens de helft van de aandelen ({ $quotas } van { $quotas_total }): { $met ->
    [true] bereikt
   *[other] niet bereikt
}.
assembly-quorum-three-quarters = Meer dan drie vierde van de aandelen ({ $quotas } van { $quotas_total }): { $met ->
    [true] bereikt
   *[other] niet bereikt
}.
assembly-proxy-limit = Volmachten (art. { $article }): { $mandators } lastgevers; boven { $free } mogen de stemmen van de lasthebber en zijn lastgevers ({ $votes } van { $total }) 10 % niet overschrijden: { $within_ten_percent ->
    [true] ze overschrijden die niet
   *[other] ze overschrijden die
}.
assembly-vote-rule = { $majority ->
    [two_thirds] Tweederdemeerderheid
    [four_fifths] Viervijfdemeerderheid
    [unanimity] Eenparigheid
   *[other] Volstrekte meerderheid
} (art. { $article }){ $threshold ->
    [more_than] , gelezen als „meer dan”
   *[other] {""}
}.
assembly-vote-taking-part = Nemen deel aan de stemming: { $lots } kavels, { $quotas } aandelen.
assembly-vote-excluded = Uitgesloten van dit punt wegens belangenconflict: { $persons } personen, { $lots } kavels.
assembly-vote-cap = Stemvermindering (art. { $article }): { $person }, { $role ->
    [holder] als lasthebber
   *[other] als lastgever
}, bracht { $engaged } stemmen in tegenover { $others } voor de andere aanwezigen of vertegenwoordigden; behouden: { $retained }.
assembly-vote-count = Voor: { $yes }; tegen: { $no }; uitgebrachte stemmen: { $cast }; onthoudingen en niet uitgebrachte stemmen: { $not_cast }.
assembly-vote-absolute = Volstrekte meerderheid: 2 × voor = { $yes_scaled }, uitgebrachte stemmen = { $cast_scaled }: { $met ->
    [true] bereikt
   *[other] niet bereikt
}.
assembly-vote-qualified = { $den } × voor = { $yes_scaled }; { $num } × uitgebrachte stemmen = { $cast_scaled }: { $met ->
    [true] meerderheid bereikt
   *[other] meerderheid niet bereikt
}.
assembly-vote-unanimity-all = Eenparigheid van alle mede-eigenaars: { $for } kavels voor van { $needed }.
assembly-vote-unanimity-present = Eenparigheid van de aanwezigen of vertegenwoordigden (tweede vergadering): { $for } kavels voor van { $needed }.
assembly-vote-result = { $adopted ->
    [true] Aangenomen.
   *[other] Verworpen.
}
