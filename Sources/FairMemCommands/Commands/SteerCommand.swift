public import ArgumentParser
import FairMemJSON
import FairnessData
import FairnessStatistics
import Foundation
import Mitigation
import OptimalSteering
import SteeringExperiment

extension SteeringIntervention: ExpressibleByArgument {}
extension KLDirection: ExpressibleByArgument {}
extension ScaleStructure: ExpressibleByArgument {}
extension PriorTreatment: ExpressibleByArgument {}
extension CovarianceEstimate: ExpressibleByArgument {}
extension SteeredRepresentation: ExpressibleByArgument {}

/// `fairmem steer`: optimal steering to exact fairness (seed 002; Docs/steering.md).
struct SteerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "steer",
    abstract: "Steer a Gaussian class-conditional model (or a dataset) to the KL-nearest ideal distribution.",
    discussion: """
      A distribution is ideal when every cost-sensitive Bayes classifier on it has zero DP and EO gaps. With X | Y=y, A=a ~ N(μ_ya, Σ_ya) and priors q_ya, the non-reference groups' class-conditionals are moved to affine images N(Γμ_y,ref + c, ΓΣ_y,refΓ) of the reference group's (--intervention affirmative: convex program over SPD Γ, closed form in 1-D; all-subgroup: every group moves, line search over the scale γ), or, as baselines, the means (mean) or means and covariances (mean-cov) are copied from the reference. KL of the whole joint law, --kl forward = KL(steered ‖ original) (default) or reverse. Priors: --priors project (KL-nearest equal base rates, default), reference, keep. Reports target moments, the W2 map T(x) = μ̃ + M(x − μ), M = S^-1/2 (S^1/2 S̃ S^1/2)^1/2 S^-1/2, per group and class, and the ideal-condition residuals with the Bayes gaps over a cost grid (exact in 1-D, --samples Monte Carlo draws per cell in d-D).

      SPEC is a JSON file (- for standard input) with groups, classes, priors[a][y], means[a][y][d], covariances[a][y][d][d] (Docs/steering.md). With --dataset adult|compas|german (or your own --csv FILE --label COL --group COL [--features COL...] [--categorical COL...] [--positive VALUE], split 60/20/20 like COMPAS and German) instead, the standardized continuous features are steered per split, a logistic regression is retrained on the steered training split and evaluated on the test split (as is, and mapped with oracle or predicted labels), mean ± 2 SE over --splits seeded splits, with the transfer bounds checked.
      """)

  @Argument(help: "Gaussian specification JSON (- for standard input); omit with --dataset.") var spec: String?
  @Option(help: "Steer a dataset's continuous features instead: adult, compas, german.") var dataset: BenchmarkDataset?
  @Option(help: "affirmative, all-subgroup, mean, mean-cov (dataset: default all four).")
  var intervention: SteeringIntervention?
  @Option(help: "The group that stays (default: the group with the largest mass).") var reference: String?
  @Option(help: "forward = KL(steered ‖ original), reverse = KL(original ‖ steered).") var kl: KLDirection = .forward
  @Option(help: "Structure of Γ in the affirmative program: full, diagonal, scalar.") var scale: ScaleStructure = .full
  @Option(help: "Priors: project (KL-nearest equal base rates), reference, keep.") var priors: PriorTreatment = .project
  @Option(help: "Monte Carlo draws per (group, class) cell for the d-D Bayes check.") var samples: Int = 20000
  @Option(help: "Seed of the Monte Carlo check (spec) or of the first split (dataset).") var seed: UInt64 = 0
  @Option(help: "Dataset: number of seeded splits.") var splits: Int = 5
  @Option(help: "Dataset: covariance estimate, full (shrunk toward the diagonal) or diagonal.")
  var covariance: CovarianceEstimate = .full
  @Option(help: "Dataset: steer the continuous features or the hidden layer of an MLP (features, mlp-hidden).")
  var representation: SteeredRepresentation = .features
  @Option(help: "Dataset, mlp-hidden: hidden units of the MLP.") var hiddenWidth: Int = 16
  @Option(help: "Directory with the raw datasets.") var dataDir: String = RealDataset.defaultDirectory
  @Flag(help: "Dataset: small subsample (for tests).") var quick = false
  @Flag(help: "Print JSON instead of tables.") var json = false
  @OptionGroup var data: DatasetSourceOptions

  /// The dataset to steer: `--csv` or `--dataset` (nil with a specification file).
  var source: DatasetSource? { data.source.map(DatasetSource.csv) ?? dataset.map(DatasetSource.benchmark) }

  func validate() throws {
    if data.csv != nil && dataset != nil {
      throw InputError(field: "--csv", problem: "give --csv or --dataset, not both")
    }
    if (spec == nil) == (source == nil) {
      throw InputError(field: "SPEC", problem: "give a specification file, --dataset or --csv (exactly one)")
    }
    if let dataset, dataset.isSynthetic {
      throw InputError(field: "--dataset", problem: "steer takes adult, compas or german")
    }
    guard samples >= 100 else { throw InputError(field: "--samples", problem: "must be at least 100") }
    guard splits >= 1 else { throw InputError(field: "--splits", problem: "must be at least 1") }
    guard hiddenWidth >= 1 && hiddenWidth <= ScaleStructure.maximumFullDimension || scale != .full else {
      throw InputError(
        field: "--hidden-width",
        problem: "must be in 1...\(ScaleStructure.maximumFullDimension) with --scale full (use --scale diagonal)")
    }
  }

  func run() throws {
    if let source {
      let options = SteeringExperimentOptions(
        dataset: source, splits: splits, firstSeed: seed, quick: quick,
        interventions: intervention.map { [$0] } ?? SteeringIntervention.allCases, reference: reference, direction: kl,
        scale: scale, priors: priors, covariance: covariance, representation: representation, hiddenWidth: hiddenWidth)
      let report = try SteeringExperiment.run(options, dataDirectory: dataDir)
      print(json ? try JSONReportEncoder().text(report) : SteeringText.render(report))
    } else if let spec {
      let specification = try GaussianSpecificationInput.load(path: spec)
      let options = SteeringOptions(
        intervention: intervention ?? .affirmative, reference: reference, direction: kl, scale: scale, priors: priors)
      let report = try SteeringSolver.report(specification, options: options, samplesPerCell: samples, seed: seed)
      print(json ? try JSONReportEncoder().text(report) : SteeringText.render(report))
    }
  }
}
