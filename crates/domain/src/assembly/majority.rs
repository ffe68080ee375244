//! The majority each decision needs, as a catalogue tagged with its article
//! (Art. 3.87 §8, 3.88, 3.86 §3). An agenda item picks its kind from here; the
//! required majority follows from the kind, never from a free choice.

use super::Threshold;
use super::Votes;

crate::code_enum!(
    /// The majority itself.
    Majority { Absolute = "absolute", TwoThirds = "two_thirds", FourFifths = "four_fifths", Unanimity = "unanimity" }
);

impl Majority {
    /// Whether `yes` votes against `no` votes (abstentions, blank and null
    /// votes are not cast) reach this majority. Unanimity is decided on the
    /// lots, not here (see `tally`). Nothing cast adopts nothing.
    pub fn reached(self, yes: Votes, no: Votes, threshold: Threshold) -> bool {
        if yes.is_zero() {
            return false;
        }
        let cast = yes + no;
        let (num, den) = match self {
            Majority::Absolute => return yes.times(2) > cast,
            Majority::TwoThirds => (2, 3),
            Majority::FourFifths => (4, 5),
            Majority::Unanimity => return no.is_zero(),
        };
        // yes / cast ≥ num / den  ⇔  den·yes ≥ num·cast
        match threshold {
            Threshold::AtLeast => yes.times(den) >= cast.times(num),
            Threshold::MoreThan => yes.times(den) > cast.times(num),
        }
    }
}

crate::code_enum!(
    /// What an agenda item decides, in the catalogue's order: absolute majority
    /// (3.87 §8, everything not listed elsewhere), two thirds (3.88 §1 1°),
    /// four fifths (3.88 §1 2°, 3.86 §3), unanimity of all co-owners (3.88 §2).
    /// Each kind carries its majority and article.
    DecisionKind {
        Ordinary = "ordinary",
        ApproveAccounts = "approve_accounts",
        DischargeSyndic = "discharge_syndic",
        DischargeBoard = "discharge_board",
        AppointSyndic = "appoint_syndic",
        ElectBoardMember = "elect_board_member",
        AppointAuditor = "appoint_auditor",
        Budget = "budget",
        WorksImposedByLaw = "works_imposed_by_law",
        ConservatoryWorks = "conservatory_works",
        CommonPartsUseStatutes = "common_parts_use_statutes",
        CommonPartsWorks = "common_parts_works",
        TenderingThreshold = "tendering_threshold",
        PrivatePartsWorks = "private_parts_works",
        OtherStatutes = "other_statutes",
        ChargesSplit = "charges_split",
        ChangeOfUse = "change_of_use",
        ReconstructionAfterDestruction = "reconstruction_after_destruction",
        AcquireRealEstate = "acquire_real_estate",
        DisposeRealEstate = "dispose_real_estate",
        DivideOrMergeLots = "divide_or_merge_lots",
        DemolitionForSafety = "demolition_for_safety",
        ReserveFundWaiver = "reserve_fund_waiver",
        QuotaChange = "quota_change",
        DemolitionOther = "demolition_other",
    }
);

impl DecisionKind {
    /// The majority and the article it comes from, as cited in results and
    /// minutes. Only paragraphs the sources agree on are given (Q13); the
    /// kind's own name is the short description that goes with it.
    fn rule(self) -> (Majority, &'static str) {
        use DecisionKind::*;
        match self {
            Ordinary | ApproveAccounts | DischargeSyndic | DischargeBoard | Budget => (Majority::Absolute, "3.87 §8"),
            AppointSyndic => (Majority::Absolute, "3.89"),
            ElectBoardMember => (Majority::Absolute, "3.90"),
            AppointAuditor => (Majority::Absolute, "3.91"),
            WorksImposedByLaw | ConservatoryWorks => (Majority::Absolute, "3.88 §1 1°"),
            CommonPartsUseStatutes | CommonPartsWorks | TenderingThreshold | PrivatePartsWorks => (Majority::TwoThirds, "3.88 §1 1°"),
            OtherStatutes
            | ChargesSplit
            | ChangeOfUse
            | ReconstructionAfterDestruction
            | AcquireRealEstate
            | DisposeRealEstate
            | DivideOrMergeLots
            | DemolitionForSafety => (Majority::FourFifths, "3.88 §1 2°"),
            ReserveFundWaiver => (Majority::FourFifths, "3.86 §3"),
            QuotaChange | DemolitionOther => (Majority::Unanimity, "3.88 §2"),
        }
    }

    pub fn majority(self) -> Majority {
        self.rule().0
    }

    pub fn article(self) -> &'static str {
        self.rule().1
    }

    /// Works on private parts decided by the association need their special
    /// reasons written in the resolution (3.88 §1 1°).
    pub fn needs_special_reasons(self) -> bool {
        self == DecisionKind::PrivatePartsWorks
    }

    /// Changes the statutes (acte de base or ROI): to be recorded in them.
    pub fn changes_statutes(self) -> bool {
        use DecisionKind::*;
        matches!(self, CommonPartsUseStatutes | OtherStatutes | ChargesSplit | ChangeOfUse | DivideOrMergeLots | QuotaChange)
    }

    /// A reading the sources leave open (Q7: demolition other than for
    /// safety, salubrity or cost): shown with the result.
    pub fn doubtful(self) -> bool {
        matches!(self, DecisionKind::DemolitionOther | DecisionKind::DemolitionForSafety)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: u64) -> Votes {
        Votes::whole(n)
    }

    #[test]
    fn absolute_is_more_than_half_of_the_votes_cast() {
        // syndicyourself.be: John 350 against; Paul 200 and Nadine 200 for; Mary 250 abstains → 400/750 adopted.
        assert!(Majority::Absolute.reached(v(400), v(350), Threshold::AtLeast));
        assert!(!Majority::Absolute.reached(v(400), v(400), Threshold::AtLeast));
        assert!(!Majority::Absolute.reached(v(0), v(0), Threshold::AtLeast));
    }

    #[test]
    fn two_thirds_and_four_fifths_at_the_edge_follow_the_reading() {
        assert!(Majority::TwoThirds.reached(v(200), v(100), Threshold::AtLeast));
        assert!(!Majority::TwoThirds.reached(v(200), v(100), Threshold::MoreThan));
        assert!(!Majority::TwoThirds.reached(v(199), v(100), Threshold::AtLeast));
        assert!(Majority::FourFifths.reached(v(400), v(100), Threshold::AtLeast));
        assert!(!Majority::FourFifths.reached(v(400), v(100), Threshold::MoreThan));
        assert!(!Majority::FourFifths.reached(v(399), v(100), Threshold::AtLeast));
        assert!(Majority::FourFifths.reached(v(1), v(0), Threshold::MoreThan));
    }

    #[test]
    fn every_kind_has_a_majority_and_an_article() {
        for kind in DecisionKind::ALL {
            assert!(kind.article().starts_with("3.8") || kind.article().starts_with("3.9"), "{kind}");
            let _ = kind.majority();
        }
        assert_eq!(DecisionKind::ReserveFundWaiver.majority(), Majority::FourFifths);
        assert_eq!(DecisionKind::WorksImposedByLaw.majority(), Majority::Absolute);
        assert_eq!(DecisionKind::QuotaChange.majority(), Majority::Unanimity);
    }
}
