public import FairnessData
public import FairnessStatistics
import Foundation
public import Influence
import SeededRandom

/// The reweighting methods.
public enum MitigationMethod: String, Sendable, Hashable, CaseIterable {
  case dropK = "drop-k"
  case dropKUpweightM = "drop-k-upweight-m"
  case iJack = "i-jack"
  case simJack = "sim-jack"
  case fairIF = "fairif"

  /// Whether the hyperparameter is an integer count `K` (else a strength λ).
  public var usesCount: Bool { self == .dropK || self == .dropKUpweightM }
}

/// How the weights are turned into a model.
public enum WeightApplication: String, Sendable, Hashable, CaseIterable {
  /// The IJ edit `θ̂ − H⁻¹G(w − 1)/W₀` of the influence block, no refit (seed 001 Eq. 4, 10-12).
  case ij
  /// Retraining on the weighted loss from scratch (seed 004 stage two, Eq. 15, with `reinit 1`):
  /// the MLP is re-initialized with the ERM model's initialization seed and trained with the ERM
  /// schedule (same epochs, batch size, learning rate and shuffle seed) on `Σ w_i ℓ_i`; with
  /// `w = 1` this reproduces the ERM model exactly. Logistic regression: Newton from θ̂ (the
  /// optimum is unique, so this equals a fit from scratch).
  case retrain
  /// Warm-started fine-tuning: `fineTuneEpochs` of Adam on the weighted loss from θ̂, all layers
  /// (seed 004's "fix pretrained" variant). Logistic regression: the same as ``retrain``.
  case finetune
}

extension FairnessMetric {
  /// The fairness gaps the seed-001 rules can minimize (`--target`): DP, EO (`|ΔTPR| + |ΔFPR|`)
  /// and DEO (`|ΔTPR|`), each smoothed by the run's surrogate; the same metric on hard
  /// predictions scores the validation selection. FairIF always uses the TPR and TNR gaps.
  public static let reweightingTargets: [FairnessMetric] = [
    .demographicParityDifference, .equalizedOddsGapSum, .equalOpportunityDifference,
  ]
}

/// The classifier family.
public enum ModelKind: String, Sendable, Hashable, CaseIterable {
  /// L2-regularized logistic regression (seed 004 Table 4).
  case lr
  /// One hidden layer with SeLU units (seed 001: 100 units on Adult); influence on the last layer.
  case mlp
}

extension BenchmarkDataset {
  /// Loads and splits (seeded, stratified, standardized) the data.
  ///
  /// - Adult: the official test file is the test split; a third of the official training file is
  ///   validation (seed 001 used 21815/10746/12661). `quick` subsamples 3000/1500/1500 rows.
  /// - COMPAS (two races) and German (sex): 60/20/20.
  /// - Synthetic (seed 004 Table 7 bias types, 2-D Gaussians): 6000 rows (1200 quick), 60/20/20.
  public func mitigationSplit(seed: UInt64, dataDirectory: String = RealDataset.defaultDirectory, quick: Bool = false)
    throws(FairnessDataError) -> Split
  {
    let split: Split
    switch self {
    case .adult:
      split = try RealDataset.adult.load(
        from: dataDirectory,
        options: RealDatasetOptions(seed: seed, fractions: SplitFractions(validation: 1.0 / 3, test: 0.2))
      ).split
    case .compas:
      split = try RealDataset.compas(.twoRaces).load(
        from: dataDirectory,
        options: RealDatasetOptions(seed: seed, fractions: SplitFractions(validation: 0.2, test: 0.2))
      ).split
    case .german:
      split = try RealDataset.german(.sex).load(
        from: dataDirectory,
        options: RealDatasetOptions(seed: seed, fractions: SplitFractions(validation: 0.2, test: 0.2))
      ).split
    case .syntheticGroupSize, .syntheticDistributionShift, .syntheticClassSize:
      let bias = syntheticBias ?? .groupSizeDiscrepancy()
      let population = try SyntheticPopulation.biasBenchmark(bias, dimension: 4)
      let sample = try population.sample(count: quick ? 1200 : 6000, seed: seed &+ 0x5EED)
      split = try sample.dataset.stratifiedSplit(fractions: SplitFractions(validation: 0.2, test: 0.2), seed: seed)
    }
    guard quick, self == .adult else { return split }
    var rng = SplitMix64(seed: seed)
    func sub(_ d: Dataset, _ m: Int) -> Dataset {
      guard d.rowCount > m else { return d }
      var idx = Array(0..<d.rowCount)
      idx.seededShuffle(using: &rng)
      return d.subset(Array(idx.prefix(m)).sorted(), name: d.name)
    }
    return Split(train: sub(split.train, 3000), validation: sub(split.validation, 1500), test: sub(split.test, 1500))
  }
}

extension DatasetSource {
  /// Loads and splits the data of a mitigation run: a benchmark's
  /// ``BenchmarkDataset/mitigationSplit(seed:dataDirectory:quick:)``, or a CSV file split 60/20/20
  /// like COMPAS and German (seeded, stratified by label x group, standardized on train; `quick`
  /// does not subsample a CSV).
  public func mitigationSplit(seed: UInt64, dataDirectory: String = RealDataset.defaultDirectory, quick: Bool = false)
    throws(FairnessDataError) -> Split
  {
    switch self {
    case .benchmark(let dataset): try dataset.mitigationSplit(seed: seed, dataDirectory: dataDirectory, quick: quick)
    case .csv(let source): try source.prepare(seed: seed, fractions: SplitFractions(validation: 0.2, test: 0.2)).split
    }
  }
}
