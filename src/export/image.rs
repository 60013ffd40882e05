//! SVG → PNG (resvg) and SVG → PDF (svg2pdf), both on the one usvg parse with the font we ship.

use std::sync::{Arc, OnceLock};

use relais_templates::charts::FONT_TTF;
use resvg::tiny_skia::{Pixmap, Transform};
// usvg is reached through resvg, which svg2pdf shares (both on usvg 0.45): one parse serves both.
use resvg::usvg::{fontdb, ImageHrefResolver, Options, Tree};

use super::ExportError;

/// Upper bound on a PNG's pixel count (about 160 MB of RGBA), so a huge scale cannot exhaust memory.
pub const MAX_PIXELS: u64 = 40_000_000;

/// The font database: DejaVu Sans only, loaded once. Without an explicitly loaded font resvg
/// drops all text, and system fonts would make the output depend on the machine.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(FONT_TTF.to_vec());
            // Every generic family resolves to the one font, whatever the SVG asks for.
            db.set_sans_serif_family("DejaVu Sans");
            db.set_serif_family("DejaVu Sans");
            db.set_monospace_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

fn parse(svg: &str) -> Result<Tree, ExportError> {
    let options = Options {
        font_family: "DejaVu Sans".to_string(),
        fontdb: fonts(),
        // Our SVGs embed no images; refusing external references means an SVG can never make
        // the server read a file from its disk.
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..Options::default()
    };
    Ok(Tree::from_str(svg, &options)?)
}

/// Rasterises `svg` at `scale` × its own size (2.0 gives a sharp image on high-density screens
/// and in slides). The scale is clamped to 0.1–8.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    let tree = parse(svg)?;
    let scale = if scale.is_finite() {
        scale.clamp(0.1, 8.0)
    } else {
        1.0
    };
    let width = (tree.size().width() * scale).ceil() as u32;
    let height = (tree.size().height() * scale).ceil() as u32;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ExportError::TooLarge { width, height });
    }
    let mut pixmap =
        Pixmap::new(width.max(1), height.max(1)).ok_or(ExportError::TooLarge { width, height })?;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Png(e.to_string()))
}

/// A one-page vector PDF the size of the SVG, text embedded as a DejaVu Sans subset (so it stays
/// selectable and searchable).
pub fn svg_to_pdf(svg: &str) -> Result<Vec<u8>, ExportError> {
    let tree = parse(svg)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| ExportError::Pdf(e.to_string()))
}
