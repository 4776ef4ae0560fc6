//! Colour conversions to and from the output's CMYK, with Little CMS (the `lcms2` crate):
//! figures to CMYK for print (through their own profile, sRGB when they have none), grey
//! figures to the K plate alone, CMYK figures to sRGB for the screen and the archive, and
//! the ink coverage of CMYK pixels.
//!
//! Little CMS rather than moxcms here: it does black-point compensation, which moxcms does
//! not, and it is the engine print shops' own tools (Ghostscript, Scribus) use, so a shop's
//! soft proof matches.

use lcms2::{CIExyY, Flags, Intent as CmsIntent, PixelFormat, Profile, ToneCurve, Transform};

use super::{Intent, Press, ProfileError};

/// The layout of 8-bit pixels handed to a conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pixels {
    /// One grey sample per pixel.
    Grey,
    /// Red, green, blue.
    Rgb,
    /// Cyan, magenta, yellow, black; `inverted` when stored as 255 − ink (Adobe JPEGs).
    Cmyk {
        /// Whether 0 means full ink.
        inverted: bool,
    },
}

impl Pixels {
    /// The samples per pixel.
    pub fn channels(self) -> usize {
        match self {
            Self::Grey => 1,
            Self::Rgb => 3,
            Self::Cmyk { .. } => 4,
        }
    }

    /// Little CMS's name of the layout.
    fn format(self) -> PixelFormat {
        match self {
            Self::Grey => PixelFormat::GRAY_8,
            Self::Rgb => PixelFormat::RGB_8,
            Self::Cmyk { inverted: false } => PixelFormat::CMYK_8,
            Self::Cmyk { inverted: true } => PixelFormat::CMYK_8_REV,
        }
    }
}

/// Little CMS's rendering intent for `intent`.
fn cms_intent(intent: Intent) -> CmsIntent {
    match intent {
        Intent::Perceptual => CmsIntent::Perceptual,
        Intent::RelativeColorimetric => CmsIntent::RelativeColorimetric,
        Intent::Saturation => CmsIntent::Saturation,
        Intent::AbsoluteColorimetric => CmsIntent::AbsoluteColorimetric,
    }
}

/// Grey with sRGB's tone curve, the space of untagged grey figures.
fn srgb_grey() -> Result<Profile, String> {
    let curve = ToneCurve::new_parametric(4, &[2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045])
        .map_err(|e| e.to_string())?;
    let d50 = CIExyY { x: 0.3457, y: 0.3585, Y: 1.0 };
    Profile::new_gray(&d50, &curve).map_err(|e| e.to_string())
}

/// The profile of pixels laid out as `pixels` with the embedded profile `icc`: the
/// embedded one when it describes them, else sRGB (grey: sRGB's tone curve; CMYK: the
/// output profile).
fn source_profile(pixels: Pixels, icc: Option<&[u8]>, press: &Press) -> Result<Profile, String> {
    let wanted = match pixels {
        Pixels::Grey => b"GRAY",
        Pixels::Rgb => b"RGB ",
        Pixels::Cmyk { .. } => b"CMYK",
    };
    if let Some(icc) = icc.filter(|icc| icc.get(16..20) == Some(wanted.as_slice()))
        && let Ok(profile) = Profile::new_icc(icc)
    {
        return Ok(profile);
    }
    match pixels {
        Pixels::Grey => srgb_grey(),
        Pixels::Rgb => Ok(Profile::new_srgb()),
        Pixels::Cmyk { .. } => Profile::new_icc(&press.profile.icc).map_err(|e| e.to_string()),
    }
}

/// The transform flags of `press`.
fn flags(press: &Press) -> Flags {
    if press.black_point_compensation { Flags::BLACKPOINT_COMPENSATION } else { Flags::default() }
}

/// Converts `data` (pixels laid out as `pixels`, tagged with `icc`) to the output's CMYK,
/// four bytes a pixel, 0 meaning no ink.
pub fn to_cmyk(data: &[u8], pixels: Pixels, icc: Option<&[u8]>, press: &Press) -> Result<Vec<u8>, String> {
    let source = source_profile(pixels, icc, press)?;
    let output = Profile::new_icc(&press.profile.icc).map_err(|e| e.to_string())?;
    let transform: Transform<u8, u8> = Transform::new_flags(
        &source,
        pixels.format(),
        &output,
        PixelFormat::CMYK_8,
        cms_intent(press.intent),
        flags(press),
    )
    .map_err(|e| e.to_string())?;
    let mut out = vec![0u8; data.len() / pixels.channels() * 4];
    transform.transform_pixels(data, &mut out);
    Ok(out)
}

/// Converts CMYK `data` (tagged with `icc`, else in the output's CMYK) to sRGB, three bytes
/// a pixel: how the screen and archive show a CMYK figure.
pub fn cmyk_to_srgb(
    data: &[u8],
    inverted: bool,
    icc: Option<&[u8]>,
    press: &Press,
) -> Result<Vec<u8>, String> {
    let pixels = Pixels::Cmyk { inverted };
    let source = source_profile(pixels, icc, press)?;
    let transform: Transform<u8, u8> = Transform::new_flags(
        &source,
        pixels.format(),
        &Profile::new_srgb(),
        PixelFormat::RGB_8,
        CmsIntent::RelativeColorimetric,
        Flags::BLACKPOINT_COMPENSATION,
    )
    .map_err(|e| e.to_string())?;
    let mut out = vec![0u8; data.len() / 4 * 3];
    transform.transform_pixels(data, &mut out);
    Ok(out)
}

/// For each grey level (sRGB tone curve, 0 black), the grey value that prints the same
/// lightness with black ink alone on the output (DeviceGray: K = 255 − value). Grey
/// figures are printed on the K plate this way, with the press's tone gain accounted for.
pub fn grey_to_k(press: &Press) -> Result<[u8; 256], String> {
    let lab =
        Profile::new_lab4_context(lcms2::GlobalContext::new(), &CIExyY { x: 0.3457, y: 0.3585, Y: 1.0 })
            .map_err(|e| e.to_string())?;
    let output = Profile::new_icc(&press.profile.icc).map_err(|e| e.to_string())?;
    let intent = cms_intent(press.intent);
    let to_lab: Transform<[u8; 4], [f64; 3]> =
        Transform::new_flags(&output, PixelFormat::CMYK_8, &lab, PixelFormat::Lab_DBL, intent, flags(press))
            .map_err(|e| e.to_string())?;
    let grey_to_lab: Transform<u8, [f64; 3]> = Transform::new_flags(
        &srgb_grey()?,
        PixelFormat::GRAY_8,
        &lab,
        PixelFormat::Lab_DBL,
        intent,
        flags(press),
    )
    .map_err(|e| e.to_string())?;
    let inks: Vec<[u8; 4]> = (0..=255u8).map(|k| [0, 0, 0, k]).collect();
    let mut k_lightness = vec![[0.0; 3]; 256];
    to_lab.transform_pixels(&inks, &mut k_lightness);
    let levels: Vec<u8> = (0..=255u8).collect();
    let mut grey_lightness = vec![[0.0; 3]; 256];
    grey_to_lab.transform_pixels(&levels, &mut grey_lightness);
    // Black to paper of the grey maps onto black ink's own range, K 0 to 100 %.
    let (grey_black, grey_white) = (grey_lightness[0][0], grey_lightness[255][0]);
    let (k_black, k_white) = (k_lightness[255][0], k_lightness[0][0]);
    let mut table = [0u8; 256];
    for (level, lab) in grey_lightness.iter().enumerate() {
        let t = ((lab[0] - grey_black) / (grey_white - grey_black).max(1e-6)).clamp(0.0, 1.0);
        let target = k_black + t * (k_white - k_black);
        // K lightness falls as K rises: the first K at least as dark as the target.
        let k = k_lightness.iter().position(|lab| lab[0] <= target + 1e-9).unwrap_or(255);
        table[level] = 255 - k as u8;
    }
    Ok(table)
}

/// How far below the ink limit CMYK figures are held before JPEG encoding, in per cent:
/// the encoder's rounding raises the darkest pixels by up to about this much.
pub const JPEG_INK_MARGIN: f64 = 8.0;

/// Lowers the cyan, magenta and yellow of every CMYK pixel of `data` whose total coverage
/// exceeds `limit` per cent until it is within it; black stays, so text and shadows keep
/// their density.
pub fn limit_ink(data: &mut [u8], limit: f64) {
    let cap = (limit * 255.0 / 100.0).floor().max(255.0) as u32;
    let (pixels, _) = data.as_chunks_mut::<4>();
    for p in pixels {
        let [c, m, y, k] = p.map(u32::from);
        let total = c + m + y + k;
        if total <= cap {
            continue;
        }
        let colour = c + m + y;
        let room = cap.saturating_sub(k);
        let scale = |v: u32| (v * room / colour.max(1)) as u8;
        *p = [scale(c), scale(m), scale(y), k as u8];
    }
}

/// The highest total area coverage of CMYK `data` (0 = no ink), in per cent.
pub fn max_coverage(data: &[u8]) -> f64 {
    let (pixels, _) = data.as_chunks::<4>();
    let max = pixels.iter().map(|p| p.iter().map(|&v| u32::from(v)).sum::<u32>()).max().unwrap_or(0);
    f64::from(max) * 100.0 / 255.0
}

/// Checks that sRGB and grey can be converted to `output`, as a print build does.
pub(super) fn check(output: &Profile) -> Result<(), ProfileError> {
    let unusable = |e: lcms2::Error| ProfileError::Unusable(e.to_string());
    let srgb = Profile::new_srgb();
    let _: Transform<u8, u8> = Transform::new(
        &srgb,
        PixelFormat::RGB_8,
        output,
        PixelFormat::CMYK_8,
        CmsIntent::RelativeColorimetric,
    )
    .map_err(unusable)?;
    let _: Transform<u8, u8> = Transform::new(
        output,
        PixelFormat::CMYK_8,
        &srgb,
        PixelFormat::RGB_8,
        CmsIntent::RelativeColorimetric,
    )
    .map_err(unusable)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_converts_as_little_cms_does_and_within_the_ink_limit() {
        let press = Press::default();
        let rgb = [0, 0, 0, 255, 255, 255, 255, 0, 0, 21, 55, 95];
        let cmyk = to_cmyk(&rgb, Pixels::Rgb, None, &press).expect("converts");
        // Paper stays paper; black is a rich black within 300 %.
        assert_eq!(&cmyk[4..8], &[0, 0, 0, 0]);
        assert!(max_coverage(&cmyk[..4]) <= 300.0, "{:?}", &cmyk[..4]);
        assert!(cmyk[3] > 240, "black has K: {:?}", &cmyk[..4]);
        // Red: magenta and yellow, no cyan.
        assert!(cmyk[8] < 5 && cmyk[9] > 230 && cmyk[10] > 230, "{:?}", &cmyk[8..12]);
    }

    #[test]
    fn ink_beyond_the_limit_comes_off_cyan_magenta_and_yellow() {
        let mut data = vec![250, 240, 230, 250, 10, 20, 30, 40];
        limit_ink(&mut data, 292.0);
        assert!(max_coverage(&data[..4]) <= 292.0, "{:?}", &data[..4]);
        assert_eq!(data[3], 250, "black stays");
        assert_eq!(&data[4..], &[10, 20, 30, 40], "light colours stay");
    }

    #[test]
    fn grey_prints_on_black_alone_at_its_lightness() {
        let table = grey_to_k(&Press::default()).expect("builds");
        assert_eq!(table[255], 255, "white stays paper");
        assert!(table[0] < 10, "black is full K: {}", table[0]);
        // Mid grey (L* 54) is about 57 % K on coated stock (K alone reaches L* 17).
        assert!((100..=120).contains(&table[128]), "{}", table[128]);
        assert!(table.windows(2).all(|w| w[0] <= w[1]), "monotonic");
    }
}
