//! Adding properties of one's own to a PDF's XMP metadata: a `rdf:Description` in a
//! namespace, and the namespace's PDF/A extension schema beside the others, so the file
//! stays PDF/A (ISO 19005-3, 6.6.2.3: custom properties need a declared schema).

use lopdf::{Document, Object};

use super::PdfError;

/// One property of an extension schema: its name, value type (`Text`, `Integer`) and
/// description.
pub struct Property<'a> {
    /// The property's name in the namespace.
    pub name: &'a str,
    /// Its XMP value type.
    pub value_type: &'a str,
    /// What it holds.
    pub description: &'a str,
    /// Its value.
    pub value: String,
}

/// A namespace of properties to add.
pub struct Schema<'a> {
    /// What the schema is, in words.
    pub name: &'a str,
    /// The namespace URI.
    pub uri: &'a str,
    /// The prefix.
    pub prefix: &'a str,
    /// The properties with their values.
    pub properties: Vec<Property<'a>>,
}

/// `text` with XML's special characters escaped.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Schema<'_> {
    /// The schema's declaration, an `rdf:li` of `pdfaExtension:schemas`.
    fn declaration(&self) -> String {
        let properties: String = self
            .properties
            .iter()
            .map(|p| {
                format!(
                    "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:category>external</pdfaProperty:category>\
                     <pdfaProperty:description>{}</pdfaProperty:description><pdfaProperty:name>{}</pdfaProperty:name>\
                     <pdfaProperty:valueType>{}</pdfaProperty:valueType></rdf:li>",
                    escape(p.description),
                    p.name,
                    p.value_type
                )
            })
            .collect();
        format!(
            "<rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>{}</pdfaSchema:schema>\
             <pdfaSchema:namespaceURI>{}</pdfaSchema:namespaceURI><pdfaSchema:prefix>{}</pdfaSchema:prefix>\
             <pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property></rdf:li>",
            escape(self.name),
            self.uri,
            self.prefix
        )
    }

    /// The properties with their values, one `rdf:Description`.
    fn description(&self) -> String {
        let values: String = self
            .properties
            .iter()
            .map(|p| format!("<{0}:{1}>{2}</{0}:{1}>", self.prefix, p.name, escape(&p.value)))
            .collect();
        format!(
            "<rdf:Description rdf:about=\"\" xmlns:{}=\"{}\">{values}</rdf:Description>",
            self.prefix, self.uri
        )
    }
}

/// The end of the extension schemas' bag in the XMP that Typst writes for PDF/A.
const SCHEMAS_END: &str = "</rdf:Bag></pdfaExtension:schemas>";

/// `pdf` (a PDF/A file whose XMP declares extension schemas) with `schema`'s properties
/// added to its XMP metadata, rewritten as one revision.
pub fn extend(pdf: &[u8], schema: &Schema) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::load_mem(pdf).map_err(PdfError::Read)?;
    let metadata = doc
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(Object::as_reference)
        .map_err(|_| PdfError::Xmp("a metadata stream"))?;
    let stream = doc
        .get_object_mut(metadata)
        .and_then(Object::as_stream_mut)
        .map_err(|_| PdfError::Xmp("a metadata stream"))?;
    let xmp = String::from_utf8_lossy(&stream.content).into_owned();
    let with_schema = match xmp.find(SCHEMAS_END) {
        Some(at) => format!("{}{}{}", &xmp[..at], schema.declaration(), &xmp[at..]),
        None => return Err(PdfError::Xmp("the extension schemas of PDF/A")),
    };
    let end = with_schema.rfind("</rdf:RDF>").ok_or(PdfError::Xmp("its rdf:RDF element"))?;
    let xmp = format!("{}{}{}", &with_schema[..end], schema.description(), &with_schema[end..]);
    stream.set_content(xmp.into_bytes());
    let mut out = Vec::with_capacity(pdf.len() + 4096);
    doc.save_to(&mut out).map_err(PdfError::Write)?;
    Ok(out)
}
