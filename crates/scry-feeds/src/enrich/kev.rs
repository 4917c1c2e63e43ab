//! The CISA Known Exploited Vulnerabilities catalogue.
//!
//! ```json
//! {"title": "...", "catalogVersion": "2025.08.25", "dateReleased": "2025-08-25T17:04:19.9796Z",
//!  "count": 1404, "vulnerabilities": [{"cveID": "CVE-2025-48384", "vendorProject": "Git",
//!  "product": "Git", "vulnerabilityName": "...", "dateAdded": "2025-08-25",
//!  "shortDescription": "...", "requiredAction": "...", "dueDate": "2025-09-15",
//!  "knownRansomwareCampaignUse": "Unknown", "notes": "...", "cwes": ["CWE-59"]}]}
//! ```
//!
//! Dates are kept as written (`YYYY-MM-DD`). Optional fields absent from older catalogues
//! (`knownRansomwareCampaignUse`, `notes`, `cwes`) default to empty. The `count` field is
//! not trusted: the entries are what counts.

use serde::{Deserialize, Serialize};

use super::EnrichError;

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KevEntry {
    /// `CVE-2025-48384`.
    #[serde(rename = "cveID")]
    pub cve_id: String,
    pub vendor_project: String,
    pub product: String,
    pub vulnerability_name: String,
    /// `YYYY-MM-DD`: when CISA added it.
    pub date_added: String,
    pub short_description: String,
    pub required_action: String,
    /// `YYYY-MM-DD`: the remediation deadline for US federal agencies.
    pub due_date: String,
    /// `Known` or `Unknown`.
    #[serde(default)]
    pub known_ransomware_campaign_use: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub cwes: Vec<String>,
}

impl KevEntry {
    /// Whether CISA knows of ransomware campaigns using it.
    #[must_use]
    pub fn ransomware(&self) -> bool {
        self.known_ransomware_campaign_use
            .eq_ignore_ascii_case("known")
    }
}

/// The catalogue: its version, release date and entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KevCatalog {
    /// `2025.08.25`.
    pub catalog_version: String,
    /// RFC 3339, as written.
    pub date_released: String,
    pub vulnerabilities: Vec<KevEntry>,
}

/// Reads the catalogue JSON (already gunzipped) into its entries.
///
/// # Errors
/// [`EnrichError::Kev`] when the bytes are not the catalogue JSON, naming the entry
/// (index and CVE id where readable) that does not fit.
pub fn parse(bytes: &[u8]) -> Result<Vec<KevEntry>, EnrichError> {
    parse_catalog(bytes).map(|c| c.vulnerabilities)
}

/// Reads the catalogue JSON (already gunzipped), with its version and date.
///
/// # Errors
/// As [`parse`].
pub fn parse_catalog(bytes: &[u8]) -> Result<KevCatalog, EnrichError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw {
        catalog_version: String,
        date_released: String,
        vulnerabilities: Vec<serde_json::Value>,
    }
    let raw: Raw = serde_json::from_slice(bytes)
        .map_err(|e| EnrichError::Kev(format!("not the catalogue JSON: {e}")))?;
    let mut vulnerabilities = Vec::with_capacity(raw.vulnerabilities.len());
    for (i, v) in raw.vulnerabilities.into_iter().enumerate() {
        let id = v
            .get("cveID")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| "?".to_owned(), str::to_owned);
        let entry: KevEntry = serde_json::from_value(v)
            .map_err(|e| EnrichError::Kev(format!("vulnerabilities[{i}] ({id}): {e}")))?;
        if !crate::distro::is_cve(&entry.cve_id) {
            return Err(EnrichError::Kev(format!(
                "vulnerabilities[{i}]: `cveID` {} is no CVE id",
                crate::distro::quote(&entry.cve_id, 40)
            )));
        }
        vulnerabilities.push(entry);
    }
    Ok(KevCatalog {
        catalog_version: raw.catalog_version,
        date_released: raw.date_released,
        vulnerabilities,
    })
}
