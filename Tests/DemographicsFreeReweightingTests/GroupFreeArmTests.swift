import DemographicsFreeReweighting
import DenseLinearAlgebra
import FairnessData
import Mitigation
import Testing
import _TestSupport

/// The group-free methods as arms of `fairmem compare`: the same training as `GroupFreeExperiment`
/// on the same split, group labels only for epoch selection and evaluation, the setting's learner.
@Suite("Group-free arms of compare")
struct GroupFreeArmTests {
  static let lrSetting = try! ComparisonSetting(parsing: "synthetic-group-size-lr")

  /// The arm's test row (computed by `FairnessEvaluation`, the rates of compare's other rows)
  /// equals the test metrics of `GroupFreeExperiment`'s run on the same split and seed (computed
  /// by `GroupOutcomeMetrics`, whose odds gaps come from its own pairwise loop).
  @Test(arguments: [GroupFreeMethod.erm, .dro, .arl, .gog, .featureGraph])
  func armEqualsTheExperimentsRunOnTheSameSplit(method: GroupFreeMethod) throws {
    let seed = TestSeed.value(default: 4101)
    setThreadCount(1)
    let split = try syntheticSplit(seed: seed)
    var configuration = shortConfiguration()
    configuration.learner = .lr
    let arm = GroupFreeArm(method: method, neighbours: 3, configuration: configuration, quick: true)
    let (test, note) = try arm.evaluate(setting: Self.lrSetting, split: split, seed: seed)
    let row = try #require(test)
    #expect(note == nil)
    let plan = GroupFreePlan(
      dataset: "synthetic", methods: [method], neighbourCounts: [3], splitSeeds: [seed], configuration: configuration)
    let run = try #require(try GroupFreeExperiment.run(plan) { _ in split }.runs.first)
    #expect(abs(row.worstGroupAccuracy - run.test.worstGroupAccuracy) < Tolerance.tight)
    #expect(abs(row.accuracy - run.test.accuracy) < Tolerance.tight)
    #expect(abs(row.demographicParity - run.test.demographicParityGap) < Tolerance.tight)
    let eoMax = try #require(row.equalizedOddsDifference)
    #expect(abs(eoMax - (run.test.equalizedOddsGap ?? .nan)) < Tolerance.tight)
    #expect(abs((row.averageOdds ?? .nan) - (run.test.averageOddsGap ?? .nan)) < Tolerance.tight)
    #expect(abs((row.equalizedOdds ?? .nan) - (run.test.summedOddsGap ?? .nan)) < Tolerance.tight)
  }

  /// On an MLP setting the arm trains compare's MLP (SeLU units, compare's quick width): the same
  /// run as the experiment with that learner.
  @Test func mlpArmEqualsTheExperimentWithCompareLearner() throws {
    let seed = TestSeed.value(default: 4103)
    setThreadCount(1)
    let split = try syntheticSplit(seed: seed)
    let setting = try ComparisonSetting(parsing: "synthetic-group-size")
    let arm = GroupFreeArm(method: .gog, neighbours: 3, configuration: shortConfiguration(), quick: true)
    let row = try #require(try arm.evaluate(setting: setting, split: split, seed: seed).test)
    // The arm's learner with the split seed not yet added (the plan adds it).
    let learner = arm.configuration(for: setting, seed: 0)
    #expect(learner.learner == .mlp && learner.hiddenActivation == .selu && learner.hiddenWidth == 16)
    let plan = GroupFreePlan(
      dataset: "synthetic", methods: [.gog], neighbourCounts: [3], splitSeeds: [seed], configuration: learner)
    let run = try #require(try GroupFreeExperiment.run(plan) { _ in split }.runs.first)
    #expect(abs(row.worstGroupAccuracy - run.test.worstGroupAccuracy) < Tolerance.tight)
    #expect(abs(row.accuracy - run.test.accuracy) < Tolerance.tight)
    // SeLU is not the default ReLU learner: the two train different models from the same seed.
    var relu = learner
    relu.hiddenActivation = .relu
    let reluPlan = GroupFreePlan(
      dataset: "synthetic", methods: [.gog], neighbourCounts: [3], splitSeeds: [seed], configuration: relu)
    let reluRun = try #require(try GroupFreeExperiment.run(reluPlan) { _ in split }.runs.first)
    #expect(reluRun.history != run.history)
  }

  @Test func trainingGroupLabelsDoNotReachTheArm() throws {
    setThreadCount(1)
    let seed = TestSeed.value(default: 4102)
    let split = try syntheticSplit(seed: seed)
    var scrambled = split
    let t = split.train
    scrambled.train = try Dataset(
      features: t.features, featureNames: t.featureNames, labels: t.labels, classNames: t.classNames,
      groups: t.groups.indices.map { ($0 * 5 + 1) % t.groupCount }, groupNames: t.groupNames, name: t.name)
    let arm = GroupFreeArm(method: .gog, neighbours: 3, configuration: shortConfiguration(), quick: true)
    let original = try arm.evaluate(setting: Self.lrSetting, split: split, seed: seed).test
    let other = try arm.evaluate(setting: Self.lrSetting, split: scrambled, seed: seed).test
    #expect(original != nil && original == other)
  }

  @Test func theArmTrainsTheSettingsLearner() throws {
    let base = shortConfiguration()
    let gog = GroupFreeArm(method: .gog, neighbours: 10, configuration: base, quick: true)
    let mlp = gog.configuration(for: try ComparisonSetting(parsing: "synthetic-class-size"), seed: 4)
    #expect(mlp.learner == .mlp && mlp.hiddenActivation == .selu)
    #expect(
      mlp.hiddenWidth == TrainingConfiguration.standard(for: .syntheticClassSize, model: .mlp, quick: true).hiddenWidth)
    #expect(mlp.neighbours == 10 && mlp.trainingSeed == base.trainingSeed + 4)
    let lr = GroupFreeArm(method: .dro, configuration: base, quick: false).configuration(for: Self.lrSetting, seed: 0)
    #expect(lr.learner == .lr && lr.neighbours == base.neighbours)
    #expect(gog.name == "gf-gog-k10" && GroupFreeArm(method: .arl, configuration: base, quick: true).name == "gf-arl")
  }

  @Test func aBatchLargerThanTheTrainingSplitIsBadInput() throws {
    let split = try syntheticSplit(seed: 2)
    var configuration = shortConfiguration()
    configuration.batchSize = split.train.rowCount + 1
    let arm = GroupFreeArm(method: .erm, configuration: configuration, quick: true)
    #expect {
      _ = try arm.evaluate(setting: Self.lrSetting, split: split, seed: 2)
    } throws: { error in
      (error as? GroupFreeError)?.field == "--batch-size"
    }
  }
}
