//! Worlds kept between compilations (watch mode): one per profile and document, each with
//! its file store, so a rebuild re-reads files but edits parsed sources in place and Typst's
//! memoized work on unchanged parts is reused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst_layout::PagedIntrospector;

use crate::error::Result;
use crate::profile::Profile;
use crate::world::YarlungWorld;

/// Identifies a kept World: the profile, the document name and its template.
type Key = (Profile, String, PathBuf);

/// A kept World and the introspector of the document its last good compilation made,
/// which the next compilation starts from (see [`super::from_last_layout`]).
struct Slot {
    /// The World; the compilations made in it hold clones until they are written.
    world: Arc<YarlungWorld>,
    /// The introspector of its last good document.
    seed: Option<Arc<PagedIntrospector>>,
}

/// The kept Worlds of a watch session.
#[derive(Default)]
pub struct Worlds {
    /// The Worlds by profile and document.
    slots: Mutex<HashMap<Key, Slot>>,
}

impl Worlds {
    /// Takes the kept World of `name` (template `template`) in `profile`, refreshed with
    /// `generated`, with its seed; or makes one with `make` when none is kept (or the kept
    /// one is still in use).
    pub fn lend(
        &self,
        (profile, name, template): (Profile, &str, &Path),
        generated: Vec<(String, Vec<u8>)>,
        make: impl FnOnce(Vec<(String, Vec<u8>)>) -> Result<YarlungWorld>,
    ) -> Result<(YarlungWorld, Option<Arc<PagedIntrospector>>)> {
        let key = (profile, name.to_string(), template.to_path_buf());
        let kept = self.slots.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
        match kept.map(|slot| (Arc::try_unwrap(slot.world), slot.seed)) {
            Some((Ok(mut world), seed)) => {
                world.refresh(generated);
                Ok((world, seed))
            }
            _ => Ok((make(generated)?, None)),
        }
    }

    /// Keeps `world` for the next compilation of `name` in `profile`, with `seed` (or, when
    /// the compilation failed, the seed the World had).
    pub fn keep(
        &self,
        (profile, name, template): (Profile, &str, &Path),
        world: Arc<YarlungWorld>,
        seed: Option<Arc<PagedIntrospector>>,
    ) {
        let key = (profile, name.to_string(), template.to_path_buf());
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).insert(key, Slot { world, seed });
    }

    /// The project files the last compilation of `name` in `profile` read, when its World
    /// is kept and no longer in use.
    pub fn dependencies(&self, profile: Profile, name: &str) -> Option<Vec<PathBuf>> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let (_, slot) = slots.iter_mut().find(|((p, n, _), _)| *p == profile && n == name)?;
        Arc::get_mut(&mut slot.world).map(YarlungWorld::dependencies)
    }

    /// Forgets every kept World (after the fonts or the configuration changed).
    pub fn clear(&self) {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
