//! The year's cycle of a package: draft → submitted → (returned → submitted …) → approved →
//! signed → published, who may take each step, and the Thai words for each state.

/// Where a package stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Draft,
    Submitted,
    Returned,
    Approved,
    Signed,
    Published,
}

/// Every state, in the order of the cycle.
pub const STATES: [State; 6] = [
    State::Draft,
    State::Submitted,
    State::Returned,
    State::Approved,
    State::Signed,
    State::Published,
];

impl State {
    /// The word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
            State::Signed => "signed",
            State::Published => "published",
        }
    }

    /// The state a stored word names.
    pub fn parse(word: &str) -> Option<State> {
        STATES.into_iter().find(|s| s.as_str() == word)
    }

    /// The state as the pages name it.
    pub fn thai(self) -> &'static str {
        match self {
            State::Draft => "กำลังจัดทำ",
            State::Submitted => "ส่งให้จังหวัดตรวจแล้ว",
            State::Returned => "ส่งกลับให้แก้ไข",
            State::Approved => "อนุมัติแล้ว",
            State::Signed => "ลงนามแล้ว",
            State::Published => "เผยแพร่แล้ว",
        }
    }

    /// Whether the agency may save changes.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }

    /// Why a save is refused in this state.
    pub fn not_editable(self) -> String {
        format!(
            "แฟ้มนี้อยู่ในสถานะ “{}” จึงแก้ไขไม่ได้ (แก้ไขได้เมื่อกำลังจัดทำหรือถูกส่งกลับให้แก้ไข) ไม่มีสิ่งใดเปลี่ยน",
            self.thai()
        )
    }
}

/// A step a person asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The agency sends its package for review.
    Submit,
    /// The province sends it back with comments.
    Return,
    /// The province accepts it.
    Approve,
    /// The agency's signed PDF is accepted (the upload takes this step).
    Sign,
    /// The province marks it published.
    Publish,
}

impl Action {
    /// The action a form names.
    pub fn parse(word: &str) -> Option<Action> {
        Some(match word {
            "submit" => Action::Submit,
            "return" => Action::Return,
            "approve" => Action::Approve,
            "sign" => Action::Sign,
            "publish" => Action::Publish,
            _ => return None,
        })
    }

    /// The action as a button names it.
    pub fn thai(self) -> &'static str {
        match self {
            Action::Submit => "ส่งให้จังหวัดตรวจ",
            Action::Return => "ส่งกลับให้แก้ไข",
            Action::Approve => "อนุมัติ",
            Action::Sign => "ส่งแฟ้ม PDF ที่ลงนามแล้ว",
            Action::Publish => "บันทึกว่าเผยแพร่แล้ว",
        }
    }

    /// Whether only the province's administrator takes this step (else only the agency).
    pub fn by_admin(self) -> bool {
        matches!(self, Action::Return | Action::Approve | Action::Publish)
    }

    /// The state this step leads to from `from`, or the Thai reason it cannot be taken.
    pub fn from(self, from: State) -> Result<State, String> {
        let to = match (self, from) {
            (Action::Submit, State::Draft | State::Returned) => State::Submitted,
            (Action::Return, State::Submitted | State::Approved) => State::Returned,
            (Action::Approve, State::Submitted) => State::Approved,
            (Action::Sign, State::Approved) => State::Signed,
            (Action::Publish, State::Signed) => State::Published,
            _ => {
                return Err(format!(
                    "“{}” ทำไม่ได้เมื่อแฟ้มอยู่ในสถานะ “{}” จึงไม่ได้ดำเนินการ และไม่มีสิ่งใดเปลี่ยน",
                    self.thai(),
                    from.thai()
                ));
            }
        };
        Ok(to)
    }

    /// The steps a person may take on a package in `state`.
    pub fn offered(admin: bool, state: State) -> Vec<Action> {
        [
            Action::Submit,
            Action::Return,
            Action::Approve,
            Action::Publish,
        ]
        .into_iter()
        .filter(|a| a.by_admin() == admin && a.from(state).is_ok())
        .collect()
    }
}
