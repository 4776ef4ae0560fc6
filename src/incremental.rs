//! Worlds kept between compilations (watch mode): one per profile and document, each with
//! its file store, so a rebuild re-reads files but edits parsed sources in place and Typst's
//! memoized work on unchanged parts is reused.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst_layout::PagedIntrospector;

use crate::profile::Profile;
use crate::world::YarlungWorld;

/// Identifies a kept World: the profile, the document name and its template.
type Key = (Profile, String, PathBuf);

/// The kept Worlds of a watch session, shared by its compile jobs.
#[derive(Default)]
pub struct Worlds {
    /// The Worlds not in use, with the project files their last compilation read and the
    /// introspector of the document it made.
    slots: Mutex<HashMap<Key, Slot>>,
}

/// A kept World, the project files its last compilation read and what it found.
type Slot = (YarlungWorld, Vec<PathBuf>, Option<Arc<PagedIntrospector>>);

/// A World lent out for one compilation; dropping it gives it back to its [`Worlds`].
pub struct Lease {
    /// The World (always `Some` until dropped).
    world: Option<YarlungWorld>,
    /// Where it goes back to, for kept Worlds.
    home: Option<(Arc<Worlds>, Key)>,
    /// The introspector of the document the World's last compilation made, which the next
    /// compilation starts from (see [`crate::seeded`]).
    pub seed: Option<Arc<PagedIntrospector>>,
}

impl Worlds {
    /// Takes the kept World of `name` (template `template`) in `profile`, refreshed with
    /// `generated`, or makes one with `make` when none is kept.
    pub fn lend(
        self: &Arc<Self>,
        profile: Profile,
        name: &str,
        template: &Path,
        generated: Vec<(String, Vec<u8>)>,
        make: impl FnOnce(Vec<(String, Vec<u8>)>) -> crate::Result<YarlungWorld>,
    ) -> crate::Result<Lease> {
        let key = (profile, name.to_string(), template.to_path_buf());
        let kept = self.slots.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
        let (world, seed) = match kept {
            Some((mut world, _, seed)) => {
                world.refresh(generated);
                (world, seed)
            }
            None => (make(generated)?, None),
        };
        Ok(Lease { world: Some(world), home: Some((self.clone(), key)), seed })
    }

    /// The project files the last compilation of `name` in `profile` read, when it is kept.
    pub fn dependencies(&self, profile: Profile, name: &str) -> Option<Vec<PathBuf>> {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.iter().find(|((p, n, _), _)| *p == profile && n == name).map(|(_, (_, deps, _))| deps.clone())
    }

    /// Forgets every kept World (after the fonts or the configuration changed).
    pub fn clear(&self) {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

impl Lease {
    /// A World that is not kept after use.
    pub fn once(world: YarlungWorld) -> Self {
        Self { world: Some(world), home: None, seed: None }
    }
}

impl Deref for Lease {
    type Target = YarlungWorld;

    fn deref(&self) -> &YarlungWorld {
        self.world.as_ref().expect("a lease holds its World until dropped")
    }
}

impl DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut YarlungWorld {
        self.world.as_mut().expect("a lease holds its World until dropped")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let (Some(mut world), Some((worlds, key))) = (self.world.take(), self.home.take()) {
            let deps = world.dependencies();
            let seed = self.seed.take();
            worlds.slots.lock().unwrap_or_else(|p| p.into_inner()).insert(key, (world, deps, seed));
        }
    }
}
