//! Reading an exported PDF only as far as its incremental update needs (see
//! [`crate::pdf::embed::finish`]): the cross-reference table, the trailer, the page tree and the
//! objects that hold given byte strings. Every object is parsed by lopdf's own parser, so
//! what is read equals what [`lopdf::Document::load_mem`] reads; only the objects nobody
//! asked for are skipped. Typst writes a classic cross-reference table; a file with a
//! cross-reference stream, or anything else unexpected, gives `None` and the caller reads
//! the whole file instead.

use std::collections::{BTreeMap, HashSet};

use lopdf::xref::{Xref, XrefEntry, XrefType};
use lopdf::{Dictionary, Document, Object, ObjectId, Reader};

/// The most page-tree nodes followed (a guard against damaged trees).
const MAX_NODES: usize = 100_000;

/// The part of `pdf` an incremental update reads: its trailer, size and cross-reference
/// position, the catalog, the page tree with every page, and each object whose bytes
/// contain one of `needles` (the stand-in images); `None` when `pdf` is not shaped as
/// Typst writes it.
pub fn skim(pdf: &[u8], needles: &[&[u8]]) -> Option<Document> {
    let (entries, trailer_at, xref_start) = xref_table(pdf)?;
    let trailer = trailer(pdf, trailer_at)?;
    let size = u32::try_from(trailer.get(b"Size").ok()?.as_i64().ok()?).ok()?;
    if trailer.has(b"Prev") || trailer.has(b"Encrypt") || trailer.has(b"XRefStm") {
        return None;
    }
    let max_id = entries.keys().next_back().copied().unwrap_or(0);
    if size != max_id + 1 {
        return None;
    }
    let mut by_offset: Vec<(usize, ObjectId)> = entries
        .iter()
        .filter_map(|(&id, entry)| match *entry {
            XrefEntry::Normal { offset, generation } => Some((offset as usize, (id, generation))),
            _ => None,
        })
        .collect();
    by_offset.sort_unstable();
    let mut document = Document::new();
    document.reference_table = Xref { cross_reference_type: XrefType::CrossReferenceTable, entries, size };
    let reader = Reader { buffer: pdf, document, encryption_state: None, raw_objects: BTreeMap::new() };
    let read = |id: ObjectId| reader.get_object(id, &mut HashSet::new()).ok();

    let mut objects = BTreeMap::new();
    let root = trailer.get(b"Root").ok()?.as_reference().ok()?;
    let catalog = read(root)?;
    let mut todo = vec![catalog.as_dict().ok()?.get(b"Pages").ok()?.as_reference().ok()?];
    objects.insert(root, catalog);
    while let Some(id) = todo.pop() {
        if objects.contains_key(&id) || objects.len() > MAX_NODES {
            return None;
        }
        let node = read(id)?;
        if let Ok(kids) = node.as_dict().ok()?.get(b"Kids") {
            for kid in kids.as_array().ok()?.iter().rev() {
                todo.push(kid.as_reference().ok()?);
            }
        }
        objects.insert(id, node);
    }
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        for at in memchr::memmem::find_iter(pdf, needle) {
            let owner = by_offset.partition_point(|&(offset, _)| offset <= at).checked_sub(1)?;
            let id = by_offset[owner].1;
            if let std::collections::btree_map::Entry::Vacant(slot) = objects.entry(id) {
                slot.insert(read(id)?);
            }
        }
    }

    let mut skimmed = Document::new();
    skimmed.trailer = trailer;
    skimmed.xref_start = xref_start;
    skimmed.max_id = size - 1;
    skimmed.reference_table = Xref::new(size, XrefType::CrossReferenceTable);
    skimmed.objects = objects;
    Some(skimmed)
}

/// The entries of the classic cross-reference table `startxref` points to, where its
/// trailer dictionary starts, and the table's offset.
fn xref_table(pdf: &[u8]) -> Option<(BTreeMap<u32, XrefEntry>, usize, usize)> {
    let tail = pdf.len().saturating_sub(1024);
    let eof = memchr::memmem::rfind(&pdf[tail..], b"%%EOF")? + tail;
    let startxref = memchr::memmem::rfind(&pdf[..eof], b"startxref")?;
    let mut tokens = Tokens { pdf, at: startxref + b"startxref".len() };
    let xref_start: usize = tokens.number()?;
    tokens.at = xref_start;
    if tokens.next()? != b"xref" {
        return None;
    }
    let mut entries = BTreeMap::new();
    loop {
        let token = tokens.next()?;
        if token == b"trailer" {
            return Some((entries, tokens.at, xref_start));
        }
        let first: u32 = std::str::from_utf8(token).ok()?.parse().ok()?;
        let count: u32 = tokens.number()?;
        for id in first..first.checked_add(count)? {
            let offset: u32 = tokens.number()?;
            let generation: u16 = tokens.number()?;
            match tokens.next()? {
                b"n" => entries.insert(id, XrefEntry::Normal { offset, generation }),
                b"f" => None,
                _ => return None,
            };
        }
    }
}

/// The trailer dictionary starting at `at` in `pdf`, read by lopdf's object parser.
fn trailer(pdf: &[u8], at: usize) -> Option<Dictionary> {
    let end = memchr::memmem::find(&pdf[at..], b"startxref")? + at;
    let mut buffer = b"1 0 obj\n".to_vec();
    buffer.extend_from_slice(&pdf[at..end]);
    buffer.extend_from_slice(b"\nendobj\n");
    let mut document = Document::new();
    document.reference_table.entries.insert(1, XrefEntry::Normal { offset: 0, generation: 0 });
    let reader = Reader { buffer: &buffer, document, encryption_state: None, raw_objects: BTreeMap::new() };
    match reader.get_object((1, 0), &mut HashSet::new()).ok()? {
        Object::Dictionary(dict) => Some(dict),
        _ => None,
    }
}

/// Whitespace-separated tokens of a PDF, from a position on.
struct Tokens<'a> {
    /// The file.
    pdf: &'a [u8],
    /// Where the next token is looked for.
    at: usize,
}

impl<'a> Tokens<'a> {
    /// The next token, `None` at the end of the file.
    fn next(&mut self) -> Option<&'a [u8]> {
        let space = |b: &u8| b" \t\r\n\x0C\0".contains(b);
        let rest = self.pdf.get(self.at..)?;
        let start = rest.iter().position(|b| !space(b))?;
        let len = rest[start..].iter().position(space).unwrap_or(rest.len() - start);
        self.at += start + len;
        Some(&rest[start..start + len])
    }

    /// The next token as a number.
    fn number<T: std::str::FromStr>(&mut self) -> Option<T> {
        std::str::from_utf8(self.next()?).ok()?.parse().ok()
    }
}
