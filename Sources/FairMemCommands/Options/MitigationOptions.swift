import ArgumentParser
import FairMemJSON
import FairnessStatistics
import MemorizationTheory
import Mitigation

/// Options `reweight` and `compare` share: the smooth surrogate of the fairness targets and the
/// clipping filter of the λ/K selection.
struct MitigationOptions: ParsableArguments {
  @Option(
    help:
      "Smooth surrogate of hard predictions in every fairness target: softmax (p(1|x)) or gumbel (soft Gumbel-softmax with fixed seeded noise, seed 004 stage one)."
  )
  var surrogate: String = "softmax"

  @Option(help: "Gumbel-softmax temperature τ > 0 (only with --surrogate gumbel; default 1, as in seed 004's run.sh).")
  var gumbelTemperature: Double?

  @Option(help: "Seed of the Gumbel(0,1) noise (only with --surrogate gumbel; default 0).")
  var gumbelSeed: UInt64?

  @Option(
    help: "During selection, skip λ/K values that clip more than this fraction (0-1) of the training weights at 0.")
  var maxClippedFraction: Double?

  func validate() throws {
    guard surrogate == "softmax" || surrogate == "gumbel" else {
      throw InputError(field: "--surrogate", problem: "must be softmax or gumbel, got '\(surrogate)'")
    }
    if let t = gumbelTemperature {
      guard surrogate == "gumbel" else {
        throw InputError(field: "--gumbel-temperature", problem: "only applies with --surrogate gumbel")
      }
      guard t.isFinite, t > 0 else {
        throw InputError(field: "--gumbel-temperature", problem: "must be a positive number, got \(t)")
      }
    }
    if gumbelSeed != nil && surrogate != "gumbel" {
      throw InputError(field: "--gumbel-seed", problem: "only applies with --surrogate gumbel")
    }
    if let f = maxClippedFraction, !(f >= 0 && f <= 1) {
      throw InputError(field: "--max-clipped-fraction", problem: "must be in [0, 1], got \(f)")
    }
  }

  /// The surrogate the options describe.
  var smoothSurrogate: SmoothSurrogate {
    surrogate == "gumbel"
      ? .gumbel(temperature: gumbelTemperature ?? SmoothSurrogate.seed004Temperature, seed: gumbelSeed ?? 0)
      : .softmax
  }

  /// The JSON description of the surrogate.
  var surrogateObject: [String: Any] {
    switch smoothSurrogate {
    case .softmax: ["kind": "softmax"]
    case .gumbel(let t, let s):
      ["kind": "gumbel", "temperature": t, "seed": Int(exactly: s).map { $0 as Any } ?? String(s)]
    }
  }
}
