/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// Every random FairMem API takes `using: inout some RandomNumberGenerator`; pass a
/// `SplitMix64(seed:)` to make a run reproducible. The sequence for a given seed is fixed forever
/// (it is part of our reproducibility contract: tests and `--seed` options print the seed).
///
/// Not cryptographically secure. Period 2^64.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The internal state; advances by the golden-ratio increment on every draw.
  public private(set) var state: UInt64

  /// Creates a generator whose whole output sequence is determined by `seed`.
  public init(seed: UInt64) {
    self.state = seed
  }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Derives an independent child generator (for example one per parallel task or per split),
  /// so that results do not depend on how work is scheduled.
  public mutating func split() -> SplitMix64 {
    SplitMix64(seed: next())
  }
}

extension RandomNumberGenerator {
  /// A standard normal draw by the Box-Muller transform (two uniforms in (0, 1]).
  public mutating func nextStandardNormal() -> Double {
    // Uniform in (0, 1]: avoids log(0).
    let u1 = 1.0 - Double.random(in: 0..<1, using: &self)
    let u2 = Double.random(in: 0..<1, using: &self)
    return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
  }
}
