//! The union of an image's layers, built top-down (last layer first) without extracting:
//! every path seen so far, with the rank of the layer that brought it (0 = topmost).
//! A path seen in an upper layer hides the same path below; a whiteout hides the path
//! and everything under it below; an opaque folder hides everything under it below;
//! a non-folder hides everything under its path below.

use std::collections::HashMap;

use crate::path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Dir,
    File,
    /// A symlink and its target as written.
    Symlink(Box<str>),
    /// A hard link to another entry of the same layer (normalised).
    Hardlink(Box<str>),
    /// Anything else (devices, fifos).
    Other,
    /// Deleted by a whiteout.
    Gone,
}

#[derive(Debug)]
struct Node {
    rank: u32,
    kind: Kind,
    /// The rank of the layer that made this folder opaque, when one did.
    opaque: Option<u32>,
}

/// What an entry of layer `rank` is, given the upper layers.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// The topmost version: hand it out.
    Visible,
    /// Hidden by an upper layer.
    Hidden,
    /// The same path twice in one layer (the first one counts).
    Duplicate,
}

#[derive(Debug, Default)]
pub(crate) struct Overlay {
    nodes: HashMap<Box<str>, Node>,
}

impl Overlay {
    /// Whether `path` (normalised, non-empty) in layer `rank` is visible.
    pub(crate) fn check(&self, path: &str, rank: u32) -> Seen {
        if let Some(n) = self.nodes.get(path) {
            return if n.rank < rank {
                Seen::Hidden
            } else if n.kind == Kind::Dir || n.kind == Kind::Gone {
                // A folder implied by its children, or named again, or a whiteout and
                // the file in the same layer: the entry still counts.
                Seen::Visible
            } else {
                Seen::Duplicate
            };
        }
        for a in path::ancestors(path) {
            if let Some(n) = self.nodes.get(a) {
                if n.rank < rank && n.kind != Kind::Dir {
                    return Seen::Hidden;
                }
                if n.opaque.is_some_and(|o| o < rank) {
                    return Seen::Hidden;
                }
            }
        }
        Seen::Visible
    }

    /// Records a visible entry (and its folders, implied).
    pub(crate) fn occupy(&mut self, path: &str, rank: u32, kind: Kind) {
        for a in path::ancestors(path) {
            if !self.nodes.contains_key(a) {
                self.nodes.insert(
                    a.into(),
                    Node {
                        rank,
                        kind: Kind::Dir,
                        opaque: None,
                    },
                );
            }
        }
        match self.nodes.get_mut(path) {
            Some(n) if n.kind == Kind::Dir && kind == Kind::Dir => {}
            Some(n) => {
                n.rank = rank;
                n.kind = kind;
            }
            None => {
                self.nodes.insert(
                    path.into(),
                    Node {
                        rank,
                        kind,
                        opaque: None,
                    },
                );
            }
        }
    }

    /// `dir/.wh..wh..opq` in layer `rank`: nothing under `dir` from lower layers.
    pub(crate) fn make_opaque(&mut self, dir: &str, rank: u32) {
        if dir.is_empty() {
            // The root made opaque: every lower layer is hidden.
            self.nodes.insert(
                "".into(),
                Node {
                    rank,
                    kind: Kind::Dir,
                    opaque: Some(rank),
                },
            );
            return;
        }
        if !self.nodes.contains_key(dir) {
            self.occupy(dir, rank, Kind::Dir);
        }
        if let Some(n) = self.nodes.get_mut(dir) {
            n.opaque = Some(n.opaque.map_or(rank, |o| o.min(rank)));
        }
    }

    /// Whether the whole root was made opaque above `rank`.
    pub(crate) fn root_hidden(&self, rank: u32) -> bool {
        self.nodes
            .get("")
            .is_some_and(|n| n.opaque.is_some_and(|o| o < rank))
    }

    /// The visible kind at `path`, if any.
    pub(crate) fn get(&self, path: &str) -> Option<(&Kind, u32)> {
        self.nodes.get(path).map(|n| (&n.kind, n.rank))
    }

    /// The target of the visible symlink at `path`.
    pub(crate) fn link(&self, path: &str) -> Option<String> {
        match self.nodes.get(path) {
            Some(Node {
                kind: Kind::Symlink(t),
                ..
            }) => Some(t.to_string()),
            _ => None,
        }
    }
}
