import FairnessData
import Foundation
import MemorizationTheory
import Memorizers
import Testing
import _TestSupport

/// `TheoryValidation.run`, the entry point of `fairmem validate`: the report agrees with the
/// per-population validator it summarizes, and its JSON coding round-trips.
@Suite("Theory validation report")
struct TheoryValidationTests {
  @Test("the report's populations are TheoryValidator's, and its summary counts them")
  func reportMatchesTheValidator() throws {
    let seed = TestSeed.value(default: 5)
    let request = ValidationRequest(
      syntheticPopulations: 2, realDatasets: [], seed: seed, mlpPopulations: 0, randomMemorizations: 1)
    let report = try TheoryValidation.run(request)
    #expect(report.synthetic.count == 2)
    #expect(report.agrees, "every theorem-level check agrees")
    // Independent route: validate population 1 directly.
    let (name, population) = try ValidationPopulations.synthetic(index: 1, seed: seed)
    let direct = try TheoryValidator.validate(
      population, name: name,
      settings: ValidationSettings(randomMemorizations: 1, radii: [0, 0.5], interpolatingMLP: false),
      seed: seed &+ 1)
    #expect(report.synthetic[1].name == direct.name)
    #expect(report.synthetic[1].metrics.map(\.minMass) == direct.metrics.map(\.minMass))
    // Summary: the R1-R3 rows count every checked entry of every population.
    let entries = report.synthetic.flatMap(\.randomChecks).map(\.entriesChecked).reduce(0, +)
    let rows = report.summary.filter { $0.check.hasPrefix("R1-R3") }
    #expect(rows.map(\.instances).reduce(0, +) == entries)
    #expect(report.settings.mlpPopulations == 0 && report.settings.nearestNeighbourRadii == [0, 0.5])
  }

  @Test("a ValidationReport decodes from its own JSON (entries included)")
  func roundTrip() throws {
    let report = try TheoryValidation.run(
      ValidationRequest(
        syntheticPopulations: 1, realDatasets: [], seed: TestSeed.value(default: 6), mlpPopulations: 0,
        randomMemorizations: 1, recordEntries: true))
    let decoded = try JSONDecoder().decode(ValidationReport.self, from: try JSONEncoder().encode(report))
    let population = try #require(decoded.synthetic.first)
    #expect(population.entries.count == report.synthetic[0].entries.count)
    #expect(population.entries.map(\.measured) == report.synthetic[0].entries.map(\.measured))
    #expect(population.metrics.map(\.agrees) == report.synthetic[0].metrics.map(\.agrees))
    #expect(decoded.summary == report.summary)
  }

  @Test("missing dataset files fail before any work, as bad input")
  func missingFilesAreBadInput() throws {
    let empty = FileManager.default.temporaryDirectory.appendingPathComponent("fairmem-none-\(UUID().uuidString)")
    #expect {
      try TheoryValidation.run(
        ValidationRequest(syntheticPopulations: 0, realDatasets: [.german], dataDirectory: empty.path))
    } throws: { error in
      (error as? FairnessDataError)?.failureKind == .badInput
    }
  }
}
