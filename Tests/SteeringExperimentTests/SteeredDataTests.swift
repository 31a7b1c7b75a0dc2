import DenseLinearAlgebra
import FairnessData
import Mitigation
import OptimalSteering
import Testing
import _TestSupport

@testable import SteeringExperiment

@Suite("Steering a dataset")
struct SteeredDataTests {
  /// On a seeded synthetic split: the steered training rows of every (group, class) cell have
  /// exactly the target mean (the model's means are those rows' means and the map is affine),
  /// and the prior weights give every group the steered base rates.
  @Test(arguments: SteeringIntervention.allCases)
  func steeredRowsHaveTheTargetMeansAndPriors(intervention: SteeringIntervention) throws {
    let split = try BenchmarkDataset.syntheticGroupSize.mitigationSplit(seed: 3, quick: true)
    let train = split.train
    let (model, continuous) = try SteeringExperiment.fitModel(train, covariance: .full, dataset: "synthetic")
    #expect(continuous.count == train.featureCount)
    let result = try SteeringSolver.solve(model, options: SteeringOptions(intervention: intervention))
    let steered = SteeringExperiment.steer(
      train.matrix, columns: continuous, groups: train.groups, classes: train.labels, result)
    var weights = Array(repeating: Array(repeating: 0.0, count: 2), count: 2)
    for a in 0..<2 {
      for y in 0..<2 {
        let rows = (0..<train.rowCount).filter { train.groups[$0] == a && train.labels[$0] == y }
        let mean = continuous.map { j in rows.reduce(0) { $0 + steered[$1, j] } / Double(rows.count) }
        #expect(mismatch(mean, result.steered.means[a][y], absolute: 1e-10) == nil, "cell \(a),\(y)")
        weights[a][y] = Double(rows.count) * result.steered.priors[a][y] / model.priors[a][y]
      }
    }
    let rates = weights.map { row in row.map { $0 / row.reduce(0, +) } }
    #expect(mismatch(rates[0], rates[1], absolute: 1e-12) == nil)
  }

  /// The continuous columns are the non-binary ones; one-hot columns are never steered.
  @Test func binaryColumnsAreNotContinuous() throws {
    let d = try Dataset(
      features: [0, 1.5, 1, 1, -0.5, 0, 0, 2.0, 1], featureNames: ["onehot", "x", "flag"], labels: [0, 1, 0],
      classNames: ["n", "p"], groups: [0, 1, 1], groupNames: ["a", "b"])
    #expect(SteeringExperiment.continuousColumns(d) == [1])
  }
}
