# Documents: letters, statements and sheets, in French.
doc-page = Page { $page } / { $pages }
doc-syndic = Syndic : { $name }
doc-association = Association des copropriétaires « { $name } »
doc-bce = N° d'entreprise { $number }
doc-place-date = { $city }, le { $date }
doc-greeting = Madame, Monsieur,
doc-regards = Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.
doc-signature = Le syndic
doc-total = Total
doc-date = Date
doc-description = Libellé
doc-amount = Montant
doc-generated = Établi par KoproGo le { $date }.
fund-working = Fonds de roulement
fund-reserve = Fonds de réserve
call-subject = Appel de fonds : { $title }
call-intro = Conformément aux décisions de l'assemblée générale, nous vous prions de verser les provisions ci-dessous, réparties entre les copropriétaires au { $as_of }.
call-units = Lots : { $units }
call-key = Clé de répartition : { $key }
call-key-general = Clé de répartition : quotes-parts (clé générale)
call-due = À payer au plus tard le { $due }
call-fund = Fonds
pay-title = Pour payer
pay-beneficiary = Bénéficiaire
pay-account = Compte (IBAN)
pay-communication = Communication structurée
pay-amount = Montant
pay-scan = Scannez le code avec votre application bancaire : le virement est prérempli.
pay-two-accounts = Le fonds de réserve est tenu sur un compte distinct (Code civil, art. 3.86 § 3) : deux virements, avec la même communication structurée.
pay-no-account = Aucun compte bancaire n'est encore enregistré pour l'association : le syndic vous le communiquera.
pay-communication-note = Indiquez exactement cette communication : votre paiement sera reconnu automatiquement.
statement-title = Décompte de charges
statement-period = Période du { $from } au { $to }
statement-charges = Charges de la période
statement-supplier = Fournisseur
statement-key = Clé
statement-key-general = Quotes-parts
statement-unit = Lot
statement-share = Part
statement-calls = Provisions appelées
statement-due-date = Échéance
statement-payments = Paiements reçus
statement-communication = Communication
statement-summary = Situation du compte
statement-owed = Solde en votre défaveur : { $amount }
statement-credit = Solde en votre faveur : { $amount }
statement-settled = Votre compte est à zéro.
statement-settlement = Charges du fonds de roulement : { $charges } ; provisions appelées pour ce fonds : { $called } ; différence à régulariser : { $difference }.
statement-col-opening = Solde initial
statement-col-called = Appelé
statement-col-paid = Payé
statement-col-closing = Solde final
statement-none = Néant.
reminder-subject-reminder = Rappel de paiement
reminder-subject-formal_notice = Mise en demeure
reminder-subject-last_notice = Dernier avertissement avant recouvrement judiciaire
reminder-body-reminder = Sauf erreur de notre part, les montants ci-dessous, échus, restent impayés. Nous vous remercions de bien vouloir les régler dans les meilleurs délais.
reminder-body-formal_notice = Malgré notre rappel, les montants ci-dessous restent impayés. Par la présente, nous vous mettons en demeure de les régler dans les { $days } jours. À défaut, des intérêts de retard courent à partir de ce jour lorsque les statuts les prévoient.
reminder-body-last_notice = Malgré notre mise en demeure, les montants ci-dessous restent impayés. Sans paiement dans les { $days } jours, le dossier sera transmis pour recouvrement judiciaire, les frais restant à votre charge.
reminder-line = { $title } (échéance { $due })
reminder-principal = Arriéré échu
reminder-fee = Frais de ce courrier
reminder-earlier-fees = Frais des rappels précédents
reminder-interest = Intérêts de retard du { $from } au { $to } ({ $rate } % l'an)
reminder-total = Total réclamé
reminder-ignore = Si vous avez effectué ce paiement entre-temps, nous vous prions de ne pas tenir compte de ce courrier.
sheet-call = Appel
sheet-owner = Copropriétaire
sheet-units = Lots
sheet-communication = Communication
sheet-expenses = Dépenses
sheet-calls = Appels
sheet-payments = Paiements
sheet-supplier = Fournisseur
sheet-invoice = Facture
sheet-account = Compte PCMN
sheet-vat = TVA %
sheet-status = Statut
sheet-fund = Fonds
sheet-as-of = Date de l'appel
sheet-due = Échéance
sheet-value-date = Date valeur
sheet-counterparty = Donneur d'ordre
sheet-allocated = Imputé à
sheet-unallocated = À imputer
sheet-title = Intitulé
sheet-period = Du { $from } au { $to }
status-draft = Brouillon
status-approved = Approuvée
status-paid = Payée
invoice-title = Facture { $number }
invoice-date = Date de facture : { $date }
invoice-period = Période : du { $from } au { $to }
invoice-building = Immeuble (un mois)
invoice-net = Total hors TVA
invoice-vat = TVA { $rate } %
invoice-rule = { $price } par immeuble et par mois ; un immeuble compte pour un mois s'il a existé un jour de ce mois ; les { $trial } premiers mois sont offerts.
call-cancelled = ANNULÉ le { $day } : cet appel de fonds est annulé, ne le payez pas. Ce que vous avez déjà versé pour lui reste à votre crédit.
statement-cancelled = Annulation
# The general assembly's results, explained (koprogo_domain::assembly::Line).
assembly-quorum-rule = Quorum à l'ouverture (art. { $article }), copropriétaires comptés { $head_count ->
    [per_person] par personne
   *[other] par lot
}.
assembly-quorum-heads = Présents ou représentés : { $lots_present } lots sur { $lots_total }, { $persons_present } personnes sur { $persons_total }.
assembly-quorum-half-and-half = Plus de la moitié des copropriétaires ({ $heads } sur { $heads_total }) détenant au moins la moitié des quotes-parts ({ $quotas } sur { $quotas_total }) : { $met ->
    [true] atteint
   *[other] non atteint
}.
assembly-quorum-three-quarters = Plus des trois quarts des quotes-parts ({ $quotas } sur { $quotas_total }) : { $met ->
    [true] atteint
   *[other] non atteint
}.
assembly-proxy-limit = Procurations (art. { $article }) : { $mandators } mandants ; au-delà de { $free }, les voix du mandataire et de ses mandants ({ $votes } sur { $total }) ne peuvent excéder 10 % : { $within_ten_percent ->
    [true] elles ne l'excèdent pas
   *[other] elles l'excèdent
}.
assembly-vote-rule = Majorité { $majority ->
    [two_thirds] des deux tiers
    [four_fifths] des quatre cinquièmes
    [unanimity] de l'unanimité
   *[other] absolue
} (art. { $article }){ $threshold ->
    [more_than] , comprise comme « plus de »
   *[other] {""}
}.
assembly-vote-taking-part = Prennent part au vote : { $lots } lots, { $quotas } quotes-parts.
assembly-vote-excluded = Exclus de ce point pour conflit d'intérêts : { $persons } personnes, { $lots } lots.
assembly-vote-cap = Réduction des voix (art. { $article }) : { $person }, { $role ->
    [holder] comme mandataire
   *[other] comme mandant
}, engageait { $engaged } voix contre { $others } pour les autres présents ou représentés ; retenu : { $retained }.
assembly-vote-count = Pour : { $yes } ; contre : { $no } ; voix exprimées : { $cast } ; abstentions et votes non exprimés : { $not_cast }.
assembly-vote-absolute = Majorité absolue : 2 × pour = { $yes_scaled }, voix exprimées = { $cast_scaled } : { $met ->
    [true] atteinte
   *[other] non atteinte
}.
assembly-vote-qualified = { $den } × pour = { $yes_scaled } ; { $num } × voix exprimées = { $cast_scaled } : { $met ->
    [true] majorité atteinte
   *[other] majorité non atteinte
}.
assembly-vote-unanimity-all = Unanimité de tous les copropriétaires : { $for } lots pour sur { $needed }.
assembly-vote-unanimity-present = Unanimité des présents ou représentés (deuxième assemblée) : { $for } lots pour sur { $needed }.
assembly-vote-result = { $adopted ->
    [true] Adopté.
   *[other] Rejeté.
}
