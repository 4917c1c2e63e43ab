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

/// A package URL split into its parts (ECMA-427), percent-decoded.
struct Purl {
    kind: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: Vec<(String, String)>,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_purl(s: &str) -> Option<Purl> {
    let rest = s.strip_prefix("pkg:")?.trim_start_matches('/');
    let rest = rest.split('#').next().unwrap_or(rest);
    let (rest, qualifiers) = match rest.split_once('?') {
        Some((r, q)) => (r, q),
        None => (rest, ""),
    };
    let qualifiers = qualifiers
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), percent_decode(v)))
        .collect();
    let (kind, path) = rest.split_once('/')?;
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) => (p, Some(percent_decode(v))),
        None => (path, None),
    };
    let (namespace, name) = match path.rsplit_once('/') {
        Some((ns, n)) => (Some(percent_decode(ns)), percent_decode(n)),
        None => (None, percent_decode(path)),
    };
    Some(Purl {
        kind: kind.to_ascii_lowercase(),
        namespace,
        name,
        version,
        qualifiers,
    })
}

/// The package a purl describes, in scry's terms. OS packages get their release from the
/// `distro` qualifier (`debian-12`, `alpine-3.20`) when there is one.
fn package_from_purl(purl: &str, path: &str) -> Option<scry_core::Package> {
    use scry_core::{Ecosystem, EcosystemKind as K, OsRelease, PackageManager as M};
    let p = parse_purl(purl)?;
    let version = p.version.clone()?;
    let q = |k: &str| {
        p.qualifiers
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let distro_eco = |fallback: K| -> Ecosystem {
        q("distro")
            .and_then(|d| {
                let (id, ver) = d.rsplit_once('-')?;
                OsRelease {
                    id: id.to_owned(),
                    version_id: Some(ver.to_owned()),
                    ..OsRelease::default()
                }
                .ecosystem()
            })
            .unwrap_or_else(|| Ecosystem::new(fallback))
    };
    let ns = p.namespace.clone().unwrap_or_default();
    let (ecosystem, manager, name) = match p.kind.as_str() {
        "npm" => (
            Ecosystem::new(K::Npm),
            M::Npm,
            if ns.is_empty() {
                p.name.clone()
            } else {
                format!("{ns}/{}", p.name)
            },
        ),
        "pypi" => (Ecosystem::new(K::PyPi), M::PythonPkg, p.name.clone()),
        "cargo" => (Ecosystem::new(K::CratesIo), M::Cargo, p.name.clone()),
        "golang" => (
            Ecosystem::new(K::Go),
            M::Gomod,
            if ns.is_empty() {
                p.name.clone()
            } else {
                format!("{ns}/{}", p.name)
            },
        ),
        "maven" => (Ecosystem::new(K::Maven), M::Jar, format!("{ns}:{}", p.name)),
        "gem" => (Ecosystem::new(K::RubyGems), M::Gemspec, p.name.clone()),
        "composer" => (
            Ecosystem::new(K::Packagist),
            M::Composer,
            format!("{ns}/{}", p.name),
        ),
        "nuget" => (Ecosystem::new(K::NuGet), M::Nuget, p.name.clone()),
        "pub" => (Ecosystem::new(K::Pub), M::Pub, p.name.clone()),
        "hex" => (Ecosystem::new(K::Hex), M::Mix, p.name.clone()),
        "deb" => (
            distro_eco(if ns == "ubuntu" { K::Ubuntu } else { K::Debian }),
            M::Dpkg,
            p.name.clone(),
        ),
        "apk" => (
            distro_eco(match ns.as_str() {
                "wolfi" => K::Wolfi,
                "chainguard" => K::Chainguard,
                _ => K::Alpine,
            }),
            M::Apk,
            p.name.clone(),
        ),
        "rpm" => {
            let kind = match ns.as_str() {
                "almalinux" => K::AlmaLinux,
                "rocky" | "rockylinux" => K::RockyLinux,
                "amzn" | "amazon" => K::AmazonLinux,
                "opensuse" => K::OpenSuse,
                "suse" | "sles" => K::Suse,
                "fedora" => K::Fedora,
                "ol" | "oracle" => K::OracleLinux,
                "mariner" => K::Mariner,
                "azurelinux" => K::AzureLinux,
                _ => K::RedHat,
            };
            (distro_eco(kind), M::Rpm, p.name.clone())
        }
        _ => return None,
    };
    // rpm purls carry the epoch apart; scry's rpm versions are `[epoch:]version-release`.
    let version = match (p.kind.as_str(), q("epoch")) {
        ("rpm", Some(e)) if e != "0" && !version.contains(':') => format!("{e}:{version}"),
        _ => version,
    };
    // syft writes the dpkg/apk source package as `upstream=name` or `upstream=name (version)`.
    let (source_name, source_version) = match q("upstream") {
        Some(u) => match u.split_once(" (") {
            Some((n, v)) => (Some(n.to_owned()), Some(v.trim_end_matches(')').to_owned())),
            None => (Some(u), None),
        },
        None => (None, None),
    };
    Some(scry_core::Package {
        name,
        version,
        ecosystem,
        package_manager: manager,
        purl: Some(purl.to_owned()),
        source_name,
        source_version,
        epoch: None,
        release: None,
        arch: q("arch"),
        path: path.to_owned(),
        layer: None,
        dependency: None,
        files: Vec::new(),
        licenses: Vec::new(),
    })
}

/// Reads a CycloneDX (1.4–1.6) or SPDX (2.2–2.3) JSON SBOM back into an inventory: every
/// component or package with a purl of a type scry knows becomes a package; the
/// CycloneDX `operating-system` component (or an SPDX package with purpose
/// `OPERATING-SYSTEM`) becomes the OS.
pub(crate) fn read(name: &str, text: &str) -> anyhow::Result<Inventory> {
    use scry_core::{OsRelease, Target};
    let doc: Value =
        serde_json::from_str(text).map_err(|e| anyhow::anyhow!("{name}: not JSON: {e}"))?;
    let mut packages = Vec::new();
    let mut warnings = Vec::new();
    let mut os = None;
    let add = |purl: Option<&str>,
               what: &str,
               packages: &mut Vec<scry_core::Package>,
               warnings: &mut Vec<String>| {
        match purl.and_then(|p| package_from_purl(p, name)) {
            Some(p) => packages.push(p),
            None => warnings.push(format!(
                "{name}: {what}: no purl of a type scry matches; skipped"
            )),
        }
    };
    if doc["bomFormat"] == "CycloneDX" {
        let mut stack: Vec<&Value> = doc["components"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        if let Some(meta) = doc["metadata"]["component"]
            .as_object()
            .and_then(|m| m.get("components"))
            .and_then(Value::as_array)
        {
            stack.extend(meta.iter());
        }
        let mut seen = 0usize;
        while let Some(c) = stack.pop() {
            seen += 1;
            if seen > 1_000_000 {
                anyhow::bail!("{name}: more than a million components");
            }
            if let Some(children) = c["components"].as_array() {
                stack.extend(children.iter());
            }
            if c["type"] == "operating-system" {
                os = Some(OsRelease {
                    id: c["name"].as_str().unwrap_or_default().to_ascii_lowercase(),
                    version_id: c["version"].as_str().map(str::to_owned),
                    ..OsRelease::default()
                });
                continue;
            }
            let what = c["name"].as_str().unwrap_or("component").to_owned();
            add(c["purl"].as_str(), &what, &mut packages, &mut warnings);
        }
    } else if doc["spdxVersion"]
        .as_str()
        .is_some_and(|v| v.starts_with("SPDX-2."))
    {
        for p in doc["packages"].as_array().into_iter().flatten() {
            if p["primaryPackagePurpose"] == "OPERATING-SYSTEM" {
                os = Some(OsRelease {
                    id: p["name"].as_str().unwrap_or_default().to_ascii_lowercase(),
                    version_id: p["versionInfo"].as_str().map(str::to_owned),
                    ..OsRelease::default()
                });
                continue;
            }
            let purl = p["externalRefs"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["referenceType"] == "purl")
                .and_then(|r| r["referenceLocator"].as_str());
            if purl.is_none()
                && matches!(
                    p["primaryPackagePurpose"].as_str(),
                    Some("CONTAINER" | "APPLICATION" | "FILE")
                )
            {
                continue;
            }
            let what = p["name"].as_str().unwrap_or("package").to_owned();
            add(purl, &what, &mut packages, &mut warnings);
        }
    } else {
        anyhow::bail!("{name}: neither a CycloneDX nor an SPDX 2.x JSON document");
    }
    scry_catalog::finish(os.as_ref(), &mut packages);
    Ok(Inventory {
        target: Target {
            kind: TargetKind::Sbom,
            name: name.to_owned(),
            digest: None,
        },
        os,
        packages,
        dependencies: Vec::new(),
        warnings,
    })
}
