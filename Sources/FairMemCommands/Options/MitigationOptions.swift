import ArgumentParser
import FairnessStatistics
import Influence
import Mitigation

/// Options `reweight` and `compare` share: the smooth surrogate of the fairness targets and the
/// clipping filter of the λ/K selection.
struct MitigationOptions: ParsableArguments {
  @Option(
    help:
      "Smooth surrogate of hard predictions in every fairness target: softmax (p(1|x)) or gumbel (soft Gumbel-softmax with fixed seeded noise, seed 004 stage one)."
  )
  var surrogate: SmoothSurrogate.Kind = .softmax

  @Option(help: "Gumbel-softmax temperature τ > 0 (only with --surrogate gumbel; default 1, as in seed 004's run.sh).")
  var gumbelTemperature: Double?

  @Option(help: "Seed of the Gumbel(0,1) noise (only with --surrogate gumbel; default 0).")
  var gumbelSeed: UInt64?

  @Option(
    help: "During selection, skip λ/K values that clip more than this fraction (0-1) of the training weights at 0.")
  var maxClippedFraction: Double?

  func validate() throws {
    if let t = gumbelTemperature {
      guard surrogate == .gumbel else {
        throw InputError(field: "--gumbel-temperature", problem: "only applies with --surrogate gumbel")
      }
      guard t.isFinite, t > 0 else {
        throw InputError(field: "--gumbel-temperature", problem: "must be a positive number, got \(t)")
      }
    }
    if gumbelSeed != nil && surrogate != .gumbel {
      throw InputError(field: "--gumbel-seed", problem: "only applies with --surrogate gumbel")
    }
    if let f = maxClippedFraction, !(f >= 0 && f <= 1) {
      throw InputError(field: "--max-clipped-fraction", problem: "must be in [0, 1], got \(f)")
    }
  }

  /// The surrogate the options describe.
  var smoothSurrogate: SmoothSurrogate {
    surrogate == .gumbel
      ? .gumbel(temperature: gumbelTemperature ?? SmoothSurrogate.defaultGumbelTemperature, seed: gumbelSeed ?? 0)
      : .softmax
  }

}
