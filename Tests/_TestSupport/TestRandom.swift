import Foundation
public import SeededRandom

#if canImport(Glibc)
  import Glibc
#endif

/// Seeds for randomized tests.
///
/// Every randomized test draws its seed from `TestSeed.value(default:)`: the fixed default keeps
/// CI reproducible; setting `FAIRMEM_TEST_SEED=<n>` replays a failure, and
/// `FAIRMEM_RANDOMIZED_TESTING=1` draws a fresh seed. The seed is printed so any failure can be
/// replayed.
public enum TestSeed {
  public static func value(default fallback: UInt64, _ label: String = #function) -> UInt64 {
    let env = ProcessInfo.processInfo.environment
    let seed: UInt64
    if let text = env["FAIRMEM_TEST_SEED"], let parsed = UInt64(text) {
      seed = parsed
    } else if env["FAIRMEM_RANDOMIZED_TESTING"] == "1" {
      seed = UInt64.random(in: 0...UInt64.max)
    } else {
      seed = fallback
    }
    print("[seed] \(label): \(seed) (replay with FAIRMEM_TEST_SEED=\(seed))")
    return seed
  }

  /// A generator seeded by `value(default:_:)`.
  public static func generator(default fallback: UInt64, _ label: String = #function) -> SplitMix64 {
    SplitMix64(seed: value(default: fallback, label))
  }
}
