//! Colour profiles embedded in figures (JPEG APP2, PNG `iCCP`). A figure whose profile is
//! sRGB, or that has none, is taken as it is; any other RGB or grey profile (Adobe RGB,
//! ProPhoto, Display P3, a camera's own) has its pixels converted to sRGB through it,
//! relative colorimetric, with moxcms.

use image::DynamicImage;
use moxcms::{ColorProfile, DataColorSpace, Layout, RenderingIntent, TransformOptions};

/// What a figure's embedded profile asks of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Embedded {
    /// No profile, or one that describes sRGB: the pixels are sRGB already.
    Srgb,
    /// An RGB or grey profile other than sRGB: its pixels are converted.
    Convert,
    /// A CMYK profile: the decoder's conversion to RGB applies.
    Cmyk,
    /// A profile that cannot be read or used (why): the pixels are taken as sRGB.
    Unusable(String),
}

/// Classifies an embedded profile `icc` (none: [`Embedded::Srgb`]).
pub fn classify(icc: Option<&[u8]>) -> Embedded {
    let Some(icc) = icc else { return Embedded::Srgb };
    let profile = match ColorProfile::new_from_slice(icc) {
        Ok(profile) => profile,
        Err(e) => return Embedded::Unusable(format!("its colour profile cannot be read ({e:?})")),
    };
    match profile.color_space {
        DataColorSpace::Cmyk => Embedded::Cmyk,
        DataColorSpace::Rgb | DataColorSpace::Gray => match reproduces_srgb(&profile) {
            Ok(true) => Embedded::Srgb,
            Ok(false) => Embedded::Convert,
            Err(why) => Embedded::Unusable(why),
        },
        other => Embedded::Unusable(format!("its colour profile is for {other:?} data, not RGB or grey")),
    }
}

/// The destination of conversions for pixels of `space`: sRGB, or grey with sRGB's tone
/// curve.
fn destination(space: DataColorSpace) -> ColorProfile {
    let srgb = ColorProfile::new_srgb();
    if space == DataColorSpace::Gray {
        let mut grey = ColorProfile::new_gray_with_gamma(2.2);
        grey.gray_trc = srgb.red_trc.clone();
        grey
    } else {
        srgb
    }
}

/// How conversions are made: relative colorimetric.
fn options() -> TransformOptions {
    TransformOptions {
        rendering_intent: RenderingIntent::RelativeColorimetric,
        ..TransformOptions::default()
    }
}

/// Whether converting through `profile` leaves sample colours as they are (within one
/// level): the profile describes sRGB, whatever its name or how its curves are stored.
fn reproduces_srgb(profile: &ColorProfile) -> Result<bool, String> {
    let grey = profile.color_space == DataColorSpace::Gray;
    let layout = if grey { Layout::Gray } else { Layout::Rgb };
    let transform = profile
        .create_transform_8bit(layout, &destination(profile.color_space), layout, options())
        .map_err(|e| format!("its colour profile cannot be used ({e:?})"))?;
    let steps = [0u8, 17, 51, 102, 153, 204, 238, 255];
    let mut samples = Vec::new();
    if grey {
        samples.extend_from_slice(&steps);
    } else {
        for r in steps {
            for g in steps {
                for b in steps {
                    samples.extend_from_slice(&[r, g, b]);
                }
            }
        }
    }
    let mut out = vec![0; samples.len()];
    transform
        .transform(&samples, &mut out)
        .map_err(|e| format!("its colour profile cannot be used ({e:?})"))?;
    Ok(samples.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 1))
}

/// `image` with its pixels converted from the embedded profile `icc` to sRGB (grey stays
/// grey, with sRGB's tone curve; transparency is kept). Fails when the profile cannot be
/// read or used.
pub fn to_srgb(image: DynamicImage, icc: &[u8]) -> Result<DynamicImage, String> {
    let profile = ColorProfile::new_from_slice(icc).map_err(|e| format!("{e:?}"))?;
    let grey = profile.color_space == DataColorSpace::Gray;
    let alpha = image.color().has_alpha();
    let (layout, image) = match (grey, alpha) {
        (true, false) => (Layout::Gray, DynamicImage::ImageLuma8(image.into_luma8())),
        (true, true) => (Layout::GrayAlpha, DynamicImage::ImageLumaA8(image.into_luma_alpha8())),
        (false, false) => (Layout::Rgb, DynamicImage::ImageRgb8(image.into_rgb8())),
        (false, true) => (Layout::Rgba, DynamicImage::ImageRgba8(image.into_rgba8())),
    };
    let transform = profile
        .create_transform_8bit(layout, &destination(profile.color_space), layout, options())
        .map_err(|e| format!("{e:?}"))?;
    let mut out = image.clone();
    let dst = match &mut out {
        DynamicImage::ImageLuma8(i) => i.as_mut(),
        DynamicImage::ImageLumaA8(i) => i.as_mut(),
        DynamicImage::ImageRgb8(i) => i.as_mut(),
        DynamicImage::ImageRgba8(i) => i.as_mut(),
        _ => return Err("unexpected pixel layout".into()),
    };
    transform.transform(image.as_bytes(), dst).map_err(|e| format!("{e:?}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An encoded profile.
    fn icc(profile: &ColorProfile) -> Vec<u8> {
        profile.encode().expect("encodes")
    }

    #[test]
    fn srgb_and_other_profiles_are_told_apart() {
        assert_eq!(classify(None), Embedded::Srgb);
        assert_eq!(classify(Some(&icc(&ColorProfile::new_srgb()))), Embedded::Srgb);
        for other in
            [ColorProfile::new_adobe_rgb(), ColorProfile::new_display_p3(), ColorProfile::new_pro_photo_rgb()]
        {
            assert_eq!(classify(Some(&icc(&other))), Embedded::Convert);
        }
        assert!(matches!(classify(Some(b"not a profile at all, just bytes")), Embedded::Unusable(_)));
        let adobe = icc(&ColorProfile::new_adobe_rgb());
        assert!(matches!(classify(Some(&adobe[..100])), Embedded::Unusable(_)));
    }
}
