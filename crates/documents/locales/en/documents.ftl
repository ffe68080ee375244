# Documents: letters, statements and sheets, in English.
doc-page = Page { $page } / { $pages }
doc-syndic = Syndic: { $name }
doc-association = Association of co-owners "{ $name }"
doc-bce = Company number { $number }
doc-place-date = { $city }, { $date }
doc-greeting = Dear co-owner,
doc-regards = Yours faithfully,
doc-signature = The syndic
doc-total = Total
doc-date = Date
doc-description = Description
doc-amount = Amount
doc-generated = Produced by KoproGo on { $date }.
fund-working = Working fund
fund-reserve = Reserve fund
call-subject = Call for funds: { $title }
call-intro = In accordance with the decisions of the general assembly, please pay the advances below, shared among the co-owners of { $as_of }.
call-units = Units: { $units }
call-key = Distribution key: { $key }
call-key-general = Distribution key: quotas (general key)
call-due = Due by { $due }
call-fund = Fund
pay-title = How to pay
pay-beneficiary = Beneficiary
pay-account = Account (IBAN)
pay-communication = Structured communication
pay-amount = Amount
pay-scan = Scan the code with your banking app: the transfer is filled in for you.
pay-two-accounts = The reserve fund is kept on a separate account (Civil Code, art. 3.86 § 3): two transfers, with the same structured communication.
pay-no-account = No bank account of the association is recorded yet: the syndic will give it to you.
pay-communication-note = Give exactly this communication: your payment will then be recognised automatically.
statement-title = Statement of charges
statement-period = Period from { $from } to { $to }
statement-charges = Charges of the period
statement-supplier = Supplier
statement-key = Key
statement-key-general = Quotas
statement-unit = Unit
statement-share = Share
statement-calls = Advances called
statement-due-date = Due
statement-payments = Payments received
statement-communication = Communication
statement-summary = Account
statement-owed = Balance you owe: { $amount }
statement-credit = Balance in your favour: { $amount }
statement-settled = Your account is settled.
statement-settlement = Working-fund charges: { $charges }; working-fund advances called: { $called }; difference to settle: { $difference }.
statement-col-opening = Opening
statement-col-called = Called
statement-col-paid = Paid
statement-col-closing = Closing
statement-none = None.
reminder-subject-reminder = Payment reminder
reminder-subject-formal_notice = Formal notice
reminder-subject-last_notice = Last notice before recovery through the courts
reminder-body-reminder = Unless we are mistaken, the amounts below are due and still unpaid. Please pay them at your earliest convenience.
reminder-body-formal_notice = Despite our reminder, the amounts below are still unpaid. We hereby give you formal notice to pay them within { $days } days. Failing that, late-payment interest runs from today where the statutes provide it.
reminder-body-last_notice = Despite our formal notice, the amounts below are still unpaid. Without payment within { $days } days, the file will be handed over for recovery through the courts, at your expense.
reminder-line = { $title } (due { $due })
reminder-principal = Arrears due
reminder-fee = Cost of this letter
reminder-earlier-fees = Cost of the earlier reminders
reminder-interest = Late-payment interest from { $from } to { $to } ({ $rate } % a year)
reminder-total = Total claimed
reminder-ignore = If you have made this payment in the meantime, please disregard this letter.
sheet-call = Call
sheet-owner = Co-owner
sheet-units = Units
sheet-communication = Communication
sheet-expenses = Expenses
sheet-calls = Calls
sheet-payments = Payments
sheet-supplier = Supplier
sheet-invoice = Invoice
sheet-account = PCMN account
sheet-vat = VAT %
sheet-status = Status
sheet-fund = Fund
sheet-as-of = Call date
sheet-due = Due
sheet-value-date = Value date
sheet-counterparty = Payer
sheet-allocated = Allocated to
sheet-unallocated = To allocate
sheet-title = Title
sheet-period = From { $from } to { $to }
status-draft = Draft
status-approved = Approved
status-paid = Paid
invoice-title = Invoice { $number }
invoice-date = Invoice date: { $date }
invoice-period = Period: { $from } to { $to }
invoice-building = Building (one month)
invoice-net = Total before VAT
invoice-vat = VAT { $rate } %
invoice-rule = { $price } per building per month; a building counts for a month when it existed on any day of it; the first { $trial } months are free.
call-cancelled = CANCELLED on { $day }: this call for funds is cancelled, do not pay it. What you already paid for it stays to your credit.
statement-cancelled = Cancellation
# The general assembly's results, explained (koprogo_domain::assembly::Line).
assembly-quorum-rule = Quorum at the opening (Art. { $article }), co-owners counted { $head_count ->
    [per_person] per person
   *[other] per lot
}.
assembly-quorum-heads = Present or represented: { $lots_present } of { $lots_total } lots, { $persons_present } of { $persons_total } persons.
assembly-quorum-half-and-half = More than half of the co-owners ({ $heads } of { $heads_total }) holding at least half of the quotas ({ $quotas } of { $quotas_total }): { $met ->
    [true] met
   *[other] not met
}.
assembly-quorum-three-quarters = More than three quarters of the quotas ({ $quotas } of { $quotas_total }): { $met ->
    [true] met
   *[other] not met
}.
assembly-proxy-limit = Proxies (Art. { $article }): { $mandators } mandators; beyond { $free }, the holder's and the mandators' votes ({ $votes } of { $total }) may not exceed 10 %: { $within_ten_percent ->
    [true] they do not
   *[other] they do
}.
assembly-vote-rule = { $majority ->
    [two_thirds] Two-thirds majority
    [four_fifths] Four-fifths majority
    [unanimity] Unanimity
   *[other] Absolute majority
} (Art. { $article }){ $threshold ->
    [more_than] , read as "more than"
   *[other] {""}
}.
assembly-vote-taking-part = Taking part in the vote: { $lots } lots, { $quotas } quotas.
assembly-vote-excluded = Excluded from this item for a conflict of interest: { $persons } persons, { $lots } lots.
assembly-vote-cap = Vote cap (Art. { $article }): { $person }, { $role ->
    [holder] as proxy holder
   *[other] as mandator
}, engaged { $engaged } votes against { $others } for the others present or represented; kept: { $retained }.
assembly-vote-count = For: { $yes }; against: { $no }; votes cast: { $cast }; abstentions and votes not cast: { $not_cast }.
assembly-vote-absolute = Absolute majority: 2 × for = { $yes_scaled }, votes cast = { $cast_scaled }: { $met ->
    [true] reached
   *[other] not reached
}.
assembly-vote-qualified = { $den } × for = { $yes_scaled }; { $num } × votes cast = { $cast_scaled }: { $met ->
    [true] majority reached
   *[other] majority not reached
}.
assembly-vote-unanimity-all = Unanimity of all co-owners: { $for } of { $needed } lots for.
assembly-vote-unanimity-present = Unanimity of those present or represented (second assembly): { $for } of { $needed } lots for.
assembly-vote-result = { $adopted ->
    [true] Adopted.
   *[other] Rejected.
}
