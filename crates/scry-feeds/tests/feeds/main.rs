//! Feed converters against the real snapshots in `shared/vulndb`.
