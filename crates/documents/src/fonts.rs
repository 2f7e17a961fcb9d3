//! The CJK font the documents are set in, loaded once at start-up and shared.
//!
//! No font file is shipped with the project: the font comes from the operating system
//! (Debian `fonts-noto-cjk` or `fonts-wqy-microhei`) or from a configured path. Only the
//! glyphs a document uses are embedded (krilla subsets the font), with a ToUnicode map,
//! so a two-page form stays small and its text can be copied and searched.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};

use crate::DocumentError;

/// Where [`Fonts::discover`] looks, in order: Debian's packages.
pub const DEBIAN_FONT_PATHS: &[(&str, Option<&str>)] = &[
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        Some("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
];

/// Characters every usable font must have: a font without them (a Latin-only font
/// given by mistake) would print empty boxes, which a form must never do.
const REQUIRED_CHARS: &str = "生育津贴申请表单位盖章";

/// The regular and bold faces, cheap to clone (one `Arc`), safe to share between
/// requests. Where no bold face exists the regular one is used for headings too.
#[derive(Clone)]
pub struct Fonts {
    inner: Arc<FontPair>,
}

struct FontPair {
    regular: Face,
    bold: Face,
}

/// One face of a font file (a collection holds several: Japanese, Korean, Simplified
/// and Traditional Chinese for Noto CJK).
#[derive(Clone)]
pub(crate) struct Face {
    pub(crate) font: krilla::text::Font,
    data: Arc<Vec<u8>>,
    index: u32,
    path: PathBuf,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("regular", &self.inner.regular.describe())
            .field("bold", &self.inner.bold.describe())
            .finish()
    }
}

impl Fonts {
    /// The first Debian font that is installed ([`DEBIAN_FONT_PATHS`]).
    pub fn discover() -> Result<Fonts, DocumentError> {
        Self::discover_in(DEBIAN_FONT_PATHS)
    }

    /// Like [`Fonts::discover`] over other candidate `(regular, bold)` paths (tests use
    /// it to simulate a machine without fonts).
    pub fn discover_in(candidates: &[(&str, Option<&str>)]) -> Result<Fonts, DocumentError> {
        let found = candidates
            .iter()
            .find(|(regular, _)| Path::new(regular).is_file());
        match found {
            Some((regular, bold)) => {
                let bold = bold.map(Path::new).filter(|path| path.is_file());
                Self::from_paths(Path::new(regular), bold)
            }
            None => Err(DocumentError::FontMissing {
                searched: candidates.iter().map(|(path, _)| path.into()).collect(),
            }),
        }
    }

    /// One font file used for every text (a configured path). In a collection the
    /// Simplified Chinese face is chosen.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Fonts, DocumentError> {
        Self::from_paths(path.as_ref(), None)
    }

    /// A configured path if there is one, else [`Fonts::discover`]. A configured path
    /// that does not exist is an error, never silently replaced by another font.
    pub fn load(configured: Option<&Path>) -> Result<Fonts, DocumentError> {
        match configured {
            Some(path) => Self::from_path(path),
            None => Self::discover(),
        }
    }

    /// A regular file and an optional bold one.
    pub fn from_paths(regular: &Path, bold: Option<&Path>) -> Result<Fonts, DocumentError> {
        let regular = Face::load(regular)?;
        let bold = match bold {
            Some(path) => Face::load(path)?,
            None => regular.clone(),
        };
        Ok(Fonts {
            inner: Arc::new(FontPair { regular, bold }),
        })
    }

    /// The file the regular face was read from (for logs and `/health` style checks).
    pub fn regular_path(&self) -> &Path {
        &self.inner.regular.path
    }

    pub(crate) fn regular(&self) -> &Face {
        &self.inner.regular
    }

    pub(crate) fn bold(&self) -> &Face {
        &self.inner.bold
    }
}

impl Face {
    fn load(path: &Path) -> Result<Face, DocumentError> {
        let bytes = std::fs::read(path).map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                DocumentError::FontMissing {
                    searched: vec![path.to_owned()],
                }
            } else {
                DocumentError::FontUnreadable {
                    path: path.to_owned(),
                    reason: error.to_string(),
                }
            }
        })?;
        let unusable = || DocumentError::FontUnusable {
            path: path.to_owned(),
        };
        let index = chinese_face_index(&bytes).ok_or_else(unusable)?;
        let data = Arc::new(bytes);
        let font = krilla::text::Font::new(data.clone().into(), index).ok_or_else(unusable)?;
        Ok(Face {
            font,
            data,
            index,
            path: path.to_owned(),
        })
    }

    fn describe(&self) -> String {
        format!("{}#{}", self.path.display(), self.index)
    }

    /// Width and glyph lookups for one rendering (skrifa borrows the bytes).
    pub(crate) fn metrics(&self) -> Metrics<'_> {
        // The face was validated at load, so parsing it again cannot fail.
        let font = FontRef::from_index(&self.data, self.index)
            .expect("face validated when the font was loaded");
        Metrics { font }
    }
}

/// The index of the face to use: in a collection the first Simplified Chinese face
/// (family name ending in "SC", as in Noto Sans CJK SC), else the first face that has
/// the required characters.
fn chinese_face_index(bytes: &[u8]) -> Option<u32> {
    let faces: Vec<FontRef<'_>> = match FileRef::new(bytes).ok()? {
        FileRef::Font(font) => vec![font],
        FileRef::Collection(collection) => collection.iter().filter_map(Result::ok).collect(),
    };
    let usable = |font: &FontRef<'_>| {
        let charmap = font.charmap();
        REQUIRED_CHARS.chars().all(|ch| charmap.map(ch).is_some())
    };
    let simplified = faces
        .iter()
        .position(|font| usable(font) && family_name(font).is_some_and(|n| n.ends_with("SC")));
    simplified
        .or_else(|| faces.iter().position(usable))
        .and_then(|index| u32::try_from(index).ok())
}

fn family_name(font: &FontRef<'_>) -> Option<String> {
    font.localized_strings(StringId::FAMILY_NAME)
        .english_or_first()
        .map(|name| name.to_string())
}

/// Advance widths of one face, for line breaking.
pub(crate) struct Metrics<'a> {
    font: FontRef<'a>,
}

impl Metrics<'_> {
    /// Width of `text` at `size` points, or the first character the face lacks.
    pub(crate) fn width(&self, text: &str, size: f32) -> Result<f32, char> {
        let charmap = self.font.charmap();
        let glyphs = self
            .font
            .glyph_metrics(Size::new(size), LocationRef::default());
        text.chars().try_fold(0.0, |total, ch| {
            let glyph = charmap.map(ch).ok_or(ch)?;
            Ok(total + glyphs.advance_width(glyph).unwrap_or(size))
        })
    }
}
