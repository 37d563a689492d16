"use strict";
// Seeded pseudo-random numbers, so that a seed always yields the same bytes on disk.
// sfc32 is small, fast and good enough for shaping synthetic inputs (not for crypto).

function sfc32(a, b, c, d) {
  return function next() {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A generator for one stream, derived from a seed and a stream id (e.g. a unit index). */
function rngFor(seed, stream) {
  const next = sfc32(0x9e3779b9 ^ seed, 0x243f6a88 + stream * 2654435761, 0xb7e15162 ^ (stream << 7), seed + stream);
  for (let i = 0; i < 12; i++) next(); // mix the state before use
  const rng = {
    float: next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    hex: (n) => {
      let s = "";
      while (s.length < n) s += Math.floor(next() * 4294967296).toString(16).padStart(8, "0");
      return s.slice(0, n);
    },
    digits: (n) => {
      let s = String(1 + Math.floor(next() * 9));
      while (s.length < n) s += String(Math.floor(next() * 10));
      return s;
    },
  };
  return rng;
}

module.exports = { rngFor };
