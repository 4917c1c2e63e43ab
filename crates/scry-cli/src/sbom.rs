//! SBOM documents from an inventory: CycloneDX 1.6 JSON and SPDX 2.3 JSON.
//!
//! Built with `serde_json` values rather than typed models: the documents are small,
//! and the shape follows the specifications' JSON schemas field by field.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use scry_core::{Inventory, TargetKind};

fn now() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// A UUID (version 4 layout) derived from the inventory and the time, so two runs differ
/// and nothing needs a random source.
fn uuid(inv: &Inventory, at: &str) -> String {
    let mut h = Sha256::new();
    h.update(at.as_bytes());
    h.update(inv.target.name.as_bytes());
    h.update(inv.packages.len().to_le_bytes());
    let mut b: [u8; 16] = h.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

/// CycloneDX 1.6.
pub(crate) fn cyclonedx(inv: &Inventory) -> Value {
    let at = now();
    let root_type = match inv.target.kind {
        TargetKind::Image => "container",
        TargetKind::Rootfs | TargetKind::Fs | TargetKind::Sbom => "application",
        TargetKind::Function | TargetKind::Lockfile => "file",
    };
    let mut components = Vec::new();
    let mut depends = Vec::new();
    if let Some(os) = &inv.os {
        components.push(json!({
            "type": "operating-system",
            "bom-ref": "os",
            "name": os.id,
            "version": os.version_id.clone().unwrap_or_default(),
            "description": os.pretty_name.clone().unwrap_or_default(),
        }));
        depends.push(Value::from("os"));
    }
    for (i, p) in inv.packages.iter().enumerate() {
        let bom_ref = format!("pkg-{i}");
        let mut props = vec![
            json!({"name": "scry:package:manager", "value": format!("{:?}", p.package_manager)}),
            json!({"name": "scry:package:ecosystem", "value": p.ecosystem.to_string()}),
            json!({"name": "scry:location:path", "value": p.path}),
        ];
        if let Some(l) = &p.layer {
            props.push(json!({"name": "scry:layer:diffID", "value": l}));
        }
        if let Some(s) = &p.source_name {
            props.push(json!({"name": "scry:package:source-name", "value": s}));
        }
        if let Some(s) = &p.source_version {
            props.push(json!({"name": "scry:package:source-version", "value": s}));
        }
        let mut c = json!({
            "type": "library",
            "bom-ref": bom_ref,
            "name": p.name,
            "version": p.version,
            "properties": props,
        });
        if let Some(purl) = &p.purl {
            c["purl"] = Value::from(purl.clone());
        }
        if !p.licenses.is_empty() {
            c["licenses"] = p
                .licenses
                .iter()
                .map(|l| json!({"license": {"name": l}}))
                .collect();
        }
        components.push(c);
        depends.push(Value::from(bom_ref));
    }
    let mut dependencies = vec![json!({"ref": "target", "dependsOn": depends})];
    for d in &inv.dependencies {
        dependencies.push(
            json!({"ref": format!("pkg-{}", d.from), "dependsOn": [format!("pkg-{}", d.to)]}),
        );
    }
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", uuid(inv, &at)),
        "version": 1,
        "metadata": {
            "timestamp": at,
            "tools": {"components": [{"type": "application", "name": "scry", "version": env!("CARGO_PKG_VERSION")}]},
            "component": {"type": root_type, "bom-ref": "target", "name": inv.target.name},
        },
        "components": components,
        "dependencies": dependencies,
    })
}

fn spdx_id(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// SPDX 2.3.
pub(crate) fn spdx(inv: &Inventory) -> Value {
    let at = now();
    let mut packages = vec![json!({
        "SPDXID": "SPDXRef-Target",
        "name": inv.target.name,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "primaryPackagePurpose": match inv.target.kind {
            TargetKind::Image => "CONTAINER",
            TargetKind::Rootfs => "OPERATING-SYSTEM",
            TargetKind::Function | TargetKind::Lockfile => "FILE",
            TargetKind::Fs | TargetKind::Sbom => "APPLICATION",
        },
    })];
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Target",
    })];
    if let Some(os) = &inv.os {
        packages.push(json!({
            "SPDXID": "SPDXRef-OperatingSystem",
            "name": os.id,
            "versionInfo": os.version_id.clone().unwrap_or_default(),
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "primaryPackagePurpose": "OPERATING-SYSTEM",
        }));
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Target",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-OperatingSystem",
        }));
    }
    for (i, p) in inv.packages.iter().enumerate() {
        let id = format!("SPDXRef-Package-{i}-{}", spdx_id(&p.name));
        let mut pkg = json!({
            "SPDXID": id,
            "name": p.name,
            "versionInfo": p.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "sourceInfo": format!("found at {}", p.path),
        });
        if let Some(purl) = &p.purl {
            pkg["externalRefs"] = json!([{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": purl,
            }]);
        }
        packages.push(pkg);
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Target",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": id,
        }));
    }
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": inv.target.name,
        "documentNamespace": format!("https://scry.invalid/spdxdocs/{}-{}", spdx_id(&inv.target.name), uuid(inv, &at)),
        "creationInfo": {"created": at, "creators": [format!("Tool: scry-{}", env!("CARGO_PKG_VERSION"))]},
        "packages": packages,
        "relationships": relationships,
    })
}
