//! Enrichment feeds joined onto vulnerabilities by CVE id: CISA KEV and EPSS.
