use std::fmt;

/// Operator kinds the `type` filter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorType {
    /// Any operator.
    Operator,
    /// Verified by the SSV DAO.
    VerifiedOperator,
    /// DAppNode operators.
    DappNode,
}

impl fmt::Display for OperatorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Operator => "operator",
            Self::VerifiedOperator => "verified_operator",
            Self::DappNode => "dapp_node",
        })
    }
}

/// Query of `GET /operators`, built step by step:
///
/// ```
/// use ssv_api::{OperatorType, OperatorsQuery};
///
/// let query = OperatorsQuery::new()
///     .per_page(100)
///     .ordering("id:asc")
///     .operator_type(OperatorType::VerifiedOperator)
///     .has_dkg_address(true);
/// assert_eq!(
///     query.pairs(),
///     vec![
///         ("page", "1".to_owned()),
///         ("perPage", "100".to_owned()),
///         ("ordering", "id:asc".to_owned()),
///         ("type", "verified_operator".to_owned()),
///         ("has_dkg_address", "true".to_owned()),
///     ]
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorsQuery {
    page: u64,
    per_page: u64,
    ordering: Option<String>,
    operator_type: Option<OperatorType>,
    has_dkg_address: Option<bool>,
    search: Option<String>,
    is_private: Option<bool>,
}

impl Default for OperatorsQuery {
    fn default() -> Self {
        Self::new()
    }
}

impl OperatorsQuery {
    /// Page 1, 100 per page, the API's default order.
    pub const fn new() -> Self {
        Self {
            page: 1,
            per_page: 100,
            ordering: None,
            operator_type: None,
            has_dkg_address: None,
            search: None,
            is_private: None,
        }
    }

    /// 1-based page.
    #[must_use]
    pub const fn page(mut self, page: u64) -> Self {
        self.page = page;
        self
    }

    /// Items per page.
    #[must_use]
    pub const fn per_page(mut self, per_page: u64) -> Self {
        self.per_page = per_page;
        self
    }

    /// `key:asc|desc`, comma-joined for several keys (e.g. `id:asc`, `performance.30d:desc`).
    #[must_use]
    pub fn ordering(mut self, ordering: impl Into<String>) -> Self {
        self.ordering = Some(ordering.into());
        self
    }

    /// Only operators of this kind.
    #[must_use]
    pub const fn operator_type(mut self, operator_type: OperatorType) -> Self {
        self.operator_type = Some(operator_type);
        self
    }

    /// Only operators with (or without) a DKG address.
    #[must_use]
    pub const fn has_dkg_address(mut self, has: bool) -> Self {
        self.has_dkg_address = Some(has);
        self
    }

    /// Free-text search (name, id or owner).
    #[must_use]
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }

    /// Only private (or only public) operators.
    #[must_use]
    pub const fn is_private(mut self, private: bool) -> Self {
        self.is_private = Some(private);
        self
    }

    /// The current page.
    pub const fn current_page(&self) -> u64 {
        self.page
    }

    /// Query-string pairs, in a fixed order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("page", self.page.to_string()),
            ("perPage", self.per_page.to_string()),
        ];
        if let Some(o) = &self.ordering {
            pairs.push(("ordering", o.clone()));
        }
        if let Some(t) = self.operator_type {
            pairs.push(("type", t.to_string()));
        }
        if let Some(h) = self.has_dkg_address {
            pairs.push(("has_dkg_address", h.to_string()));
        }
        if let Some(s) = &self.search {
            pairs.push(("search", s.clone()));
        }
        if let Some(p) = self.is_private {
            pairs.push(("isPrivate", p.to_string()));
        }
        pairs
    }
}
