//! PDF/X-4 declarations (ISO 15930-7): turns the printing condition and the
//! document's facts into the output intent with its embedded profile, the
//! XMP metadata stream, and the sRGB profile RGB photos may be tagged with.

use std::io::{self, Write};

use pdf_writer::{Dict, Filter, Finish, Name, Ref, TextStr};
use sha2::{Digest, Sha256};

use laminate_passes_pdf::out::{chunk, deflate};

use crate::emit::writer::PdfWriter;
use laminate_passes_pdf::pdfx::PdfX;

/// What the catalog of a PDF/X file points to.
pub(super) struct PdfxRefs {
    profile: Ref,
    metadata: Ref,
    condition: String,
    info: String,
}

impl PdfxRefs {
    /// The catalog's `/OutputIntents` (ISO 32000 14.11.5, ISO 15930-7 6.2.3)
    /// and `/Metadata` (ISO 32000 14.3.2).
    pub(super) fn write(&self, cat: &mut Dict) {
        let mut list = cat.insert(Name(b"OutputIntents")).array();
        let mut oi = list.push().dict();
        oi.pair(Name(b"Type"), Name(b"OutputIntent"));
        oi.pair(Name(b"S"), Name(b"GTS_PDFX"));
        oi.pair(Name(b"OutputConditionIdentifier"), TextStr(&self.condition));
        oi.pair(Name(b"OutputCondition"), TextStr(&self.info));
        oi.pair(Name(b"RegistryName"), TextStr(laminate_passes_pdf::cms::REGISTRY));
        oi.pair(Name(b"Info"), TextStr(&self.info));
        oi.pair(Name(b"DestOutputProfile"), self.profile);
        oi.finish();
        // The same condition again, for PDF/A readers: poppler takes a
        // file's output intent as its display profile only when there is
        // exactly one, and then shows the press's CMYK numbers by its own
        // formula. Both entries name the same profile object, as PDF/A and
        // PDF/X ask of files that carry both (ISO 19005-2 6.2.3).
        let mut oi = list.push().dict();
        oi.pair(Name(b"Type"), Name(b"OutputIntent"));
        oi.pair(Name(b"S"), Name(b"GTS_PDFA1"));
        oi.pair(Name(b"OutputConditionIdentifier"), TextStr(&self.condition));
        oi.pair(Name(b"Info"), TextStr(&self.info));
        oi.pair(Name(b"DestOutputProfile"), self.profile);
        oi.finish();
        list.finish();
        cat.pair(Name(b"Metadata"), self.metadata);
    }
}

impl<W: Write> PdfWriter<W> {
    /// The sRGB profile as an ICC stream (ISO 32000 8.6.5.5), written once.
    pub(super) fn srgb_profile(&mut self) -> io::Result<Ref> {
        if let Some(r) = self.srgb {
            return Ok(r);
        }
        let r = self.alloc();
        let packed = deflate(laminate_passes_pdf::cms::SRGB);
        let mut c = chunk();
        c.icc_profile(r, &packed).n(3).filter(Filter::FlateDecode);
        self.emit(r, c)?;
        self.srgb = Some(r);
        Ok(r)
    }

    /// The printing condition's CMYK profile as an ICC stream (ISO 32000
    /// 8.6.5.5), written once: the profile of the profiled colours' space
    /// and, with PDF/X, the output intent's DestOutputProfile.
    pub(super) fn condition_profile(&mut self) -> io::Result<Ref> {
        if let Some(r) = self.condition_profile {
            return Ok(r);
        }
        let r = self.alloc();
        let packed = deflate(&self.inks.condition().icc);
        let mut c = chunk();
        c.icc_profile(r, &packed).n(4).filter(Filter::FlateDecode);
        self.emit(r, c)?;
        self.condition_profile = Some(r);
        Ok(r)
    }

    /// The ICCBased CMYK colour space (ISO 32000 8.6.5.5) that colours
    /// converted from sRGB are written in, written once.
    pub(super) fn profiled_space(&mut self) -> io::Result<Ref> {
        if let Some(r) = self.profiled_space {
            return Ok(r);
        }
        let profile = self.condition_profile()?;
        let r = self.alloc();
        let mut c = chunk();
        c.color_space(r).icc_based(profile);
        self.emit(r, c)?;
        self.profiled_space = Some(r);
        Ok(r)
    }

    /// Writes the destination profile and the XMP packet; their references
    /// for the catalog. The XMP ids are hashes of the file so far, so the
    /// same input gives the same bytes.
    pub(super) fn pdfx_objects(&mut self, x: &PdfX) -> io::Result<PdfxRefs> {
        // The same profile object as the profiled colours' space: one copy.
        let profile = self.condition_profile()?;

        let digest = self.out.digest();
        let document = uuid(&digest);
        let instance =
            uuid(&Sha256::new().chain_update(digest).chain_update(b"instance").finalize());
        let xmp = xmp(&XmpFacts {
            title: &self.info.title,
            date: &xmp_date(self.info.epoch),
            document: &document,
            instance: &instance,
        });
        let metadata = self.alloc();
        let mut c = chunk();
        // Not compressed, so that tools that do not parse PDF still find it
        // (ISO 32000 14.3.2).
        let mut m = c.stream(metadata, xmp.as_bytes());
        m.pair(Name(b"Type"), Name(b"Metadata"));
        m.pair(Name(b"Subtype"), Name(b"XML"));
        m.finish();
        self.emit(metadata, c)?;
        Ok(PdfxRefs {
            profile,
            metadata,
            condition: x.intent.condition.clone(),
            info: x.intent.info.clone(),
        })
    }
}

/// A hash as a UUID URN (the form xmpMM ids take).
fn uuid(hash: &[u8]) -> String {
    let h: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("uuid:{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// An XMP date (ISO 8601) in UTC for seconds since 1970: the same instant as
/// the Info dictionary's [`laminate_passes_pdf::out::pdf_date`].
pub fn xmp_date(epoch: i64) -> String {
    let dt = laminate_passes_pdf::out::utc(epoch);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

struct XmpFacts<'a> {
    title: &'a str,
    date: &'a str,
    document: &'a str,
    instance: &'a str,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The XMP packet (ISO 16684-1) PDF/X-4 asks for (ISO 15930-7 6.7.2 - 6.7.5).
fn xmp(f: &XmpFacts) -> String {
    let producer = concat!("laminate ", env!("CARGO_PKG_VERSION"));
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>{producer}</xmp:CreatorTool>
   <pdf:Producer>{producer}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>{document}</xmpMM:DocumentID>
   <xmpMM:InstanceID>{instance}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        bom = '\u{feff}',
        title = escape(f.title),
        date = f.date,
        document = f.document,
        instance = f.instance,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_dates_are_the_info_dates() {
        assert_eq!(xmp_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(xmp_date(1_783_641_600), "2026-07-10T00:00:00Z");
        assert_eq!(laminate_passes_pdf::out::pdf_date(1_783_641_600), "D:20260710000000Z");
    }

    #[test]
    fn titles_are_escaped_and_ids_are_uuids() {
        let x = xmp(&XmpFacts { title: "A & <B>", date: "d", document: "x", instance: "y" });
        assert!(x.contains(">A &amp; &lt;B&gt;<"), "{x}");
        assert_eq!(uuid(&[0xab; 32]), "uuid:abababab-abab-abab-abab-abababababab");
    }
}
