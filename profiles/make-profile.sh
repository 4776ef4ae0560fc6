#!/bin/sh
# Builds profiles/FOGRA39L-coated.icc, the CMYK output profile yarlung embeds as the
# default print condition: coated offset paper (ISO 12647-2:2004 PT 1/2, FOGRA39).
#
# Source: FOGRA39L.ti3, the FOGRA39L characterisation data as shipped by Debian's
# `icc-profiles-free` (zlib licence, see LICENSE.FOGRA39L in this folder). ArgyllCMS
# (`apt-get install argyll icc-profiles-free`) computes the profile:
#   -qm      medium quality (a 33-point grid; ~0.2 dE average against the measurements)
#   -kh      black generation at half the possible K: a medium GCR, as FOGRA39 profiles use
#   -l300    300 % total area coverage, the FOGRA39 ink limit
#   -nc      without a copy of the measurement data inside the profile
# The result is committed; run this only to rebuild it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp /usr/share/color/icc/FOGRA39L.ti3 "$work/FOGRA39L.ti3"
cd "$work"
colprof -v -qm -kh -l300 -nc \
  -D "yarlung FOGRA39L coated offset (medium GCR, TAC 300%)" \
  -C "Made with ArgyllCMS from FOGRA39L.ti3 (icc-profiles-free, zlib licence)" \
  -Zr -O FOGRA39L-coated.icc FOGRA39L
cp FOGRA39L-coated.icc "$here/FOGRA39L-coated.icc"
ls -l "$here/FOGRA39L-coated.icc"
