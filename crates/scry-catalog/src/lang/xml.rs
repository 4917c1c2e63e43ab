//! A tiny tolerant XML reader for the XML manifests catalogers read (`pom.xml`,
//! `Directory.Packages.props`).
//!
//! Traps:
//! - Namespace prefixes are dropped from element and attribute names (`<m:project>` is
//!   `project`): the files we read use one vocabulary each.
//! - Only the five predefined entities are unescaped; DTDs, processing instructions and
//!   comments are skipped, so no entity expansion can blow up.
//! - A `>` inside a quoted attribute value does not end the tag.
//! - Nesting deeper than the caller's bound is an error, not a stack of thousands.

#[derive(Debug, Default)]
pub(super) struct Element {
    pub(super) name: String,
    pub(super) text: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) children: Vec<Element>,
}

impl Element {
    /// The first child element named `name`.
    pub(super) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Child elements named `name`.
    pub(super) fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`.
    pub(super) fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// The value of the attribute `name`.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A local name: the part after a namespace prefix.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The index of the `>` that ends a tag starting at `s` (quotes respected).
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// `name a="1" b='2'` → the name and the attributes. Tolerant like the rest: an
/// unquoted value runs to the next blank, a name without `=` has an empty value.
fn parse_tag(tag: &str) -> Result<(String, Vec<(String, String)>), String> {
    let tag = tag.trim();
    let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
    let name = local(&tag[..name_end]);
    if name.is_empty() {
        return Err("empty tag name".into());
    }
    let mut attrs = Vec::new();
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = local(&rest[..key_end]).to_owned();
        rest = rest[key_end..].trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            attrs.push((key, String::new()));
            continue;
        };
        let after = after.trim_start();
        let value;
        if let Some(q) = after.chars().next().filter(|c| matches!(c, '"' | '\'')) {
            let close = after[1..]
                .find(q)
                .ok_or_else(|| format!("unterminated attribute `{key}` in `<{name}>`"))?;
            value = &after[1..=close];
            rest = after[close + 2..].trim_start();
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            value = &after[..end];
            rest = after[end..].trim_start();
        }
        attrs.push((key, unescape(value)));
    }
    Ok((name.to_owned(), attrs))
}

/// Parses XML into elements under a nameless root; nesting deeper than `max_depth`
/// elements is an error.
pub(super) fn parse(s: &str, max_depth: usize) -> Result<Element, String> {
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = s;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if let Some(top) = stack.last_mut() {
                top.text.push_str(&unescape(rest));
            }
            break;
        };
        if lt > 0
            && let Some(top) = stack.last_mut()
        {
            top.text.push_str(&unescape(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unterminated comment")?;
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").ok_or("unterminated CDATA")?;
            if let Some(top) = stack.last_mut() {
                top.text.push_str(&r[..end]);
            }
            rest = &r[end + 3..];
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            let end = rest.find('>').ok_or("unterminated declaration")?;
            rest = &rest[end + 1..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unterminated end tag")?;
            let name = local(r[..end].trim());
            rest = &r[end + 1..];
            if stack.len() < 2 {
                return Err(format!("unexpected `</{name}>`"));
            }
            let el = stack.pop().ok_or("unbalanced")?;
            if el.name != name {
                return Err(format!("`<{}>` closed by `</{name}>`", el.name));
            }
            if let Some(parent) = stack.last_mut() {
                parent.children.push(el);
            }
        } else {
            let r = &rest[1..];
            let end = tag_end(r).ok_or("unterminated tag")?;
            let tag = &r[..end];
            rest = &r[end + 1..];
            let self_closing = tag.ends_with('/');
            let (name, attrs) = parse_tag(tag.strip_suffix('/').unwrap_or(tag))?;
            let el = Element {
                name,
                attrs,
                ..Element::default()
            };
            if self_closing {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(el);
                }
            } else {
                if stack.len() > max_depth {
                    return Err(format!("nested deeper than {max_depth} elements"));
                }
                stack.push(el);
            }
        }
    }
    if stack.len() != 1 {
        return Err("unclosed elements at the end".into());
    }
    stack.pop().ok_or_else(|| "empty".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_text_and_attributes() {
        let x = parse(
            "<?xml version=\"1.0\"?><!-- c --><a x='1>2' y = \"&amp;\"><b>t&amp;u</b><c z=\"\"/></a>",
            10,
        )
        .expect("parses");
        let a = x.child("a").expect("a");
        assert_eq!(a.text_of("b"), Some("t&u"));
        assert_eq!(a.attr("x"), Some("1>2"));
        assert_eq!(a.attr("y"), Some("&"));
        assert_eq!(a.child("c").and_then(|c| c.attr("z")), Some(""));
        assert!(parse("<a><b></a>", 10).is_err());
        let t = parse("<a x=1 y/>", 10).expect("tolerant");
        assert_eq!(t.child("a").and_then(|a| a.attr("x")), Some("1"));
        assert_eq!(t.child("a").and_then(|a| a.attr("y")), Some(""));
        assert!(parse("<a x='1/>", 10).is_err());
        assert!(parse(&"<a>".repeat(20), 10).is_err());
    }
}
