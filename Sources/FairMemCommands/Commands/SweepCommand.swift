import ArgumentParser
import Dispatch
import FailureReporting
import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory

/// `fairmem sweep`: JSON Lines in, JSON Lines out, on all cores, in constant memory.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract:
      "Answer many instances: one statistics object per input line (JSON Lines) -> one answer per line and metric.",
    discussion: """
      Reads standard input (or a file), one statistics object per line, optionally with an "id" that is echoed back. Writes one JSON object per line and metric, in input order, with the schema of `bounds --json` (see Docs/output-format.md). A line with bad input (a blank line too) produces one object {"line": n, "id": ..., "error": "...", "internal": false}, n being its physical line number and the command exits with 2 at the end (3 when a line hit a solver failure instead). Work is done in blocks of --block lines, in parallel on --threads threads, so memory stays constant however long the input. Progress goes to standard error.
      """)

  @Argument(help: "JSON Lines file; default: standard input.") var input: String?
  @OptionGroup var selection: MetricSelection
  @Option(help: "Worker threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
  @Option(help: "Lines per parallel block.") var block: Int = 512
  @Flag(help: "Skip Farkas certificates for infeasible answers (faster).") var noCertificate = false
  @Flag(
    help:
      "Solve every answer with GLPK, also where a closed form gives the exact optimum (R5b, R6, R7; the default answers those from the closed form, witnesses re-checked with R0)."
  )
  var lpOnly = false
  @Flag(help: "Rescale rows that do not sum to 1.") var normalize = false
  @Flag(help: "No progress on standard error.") var quiet = false
  @Flag(help: "Add each line's robust answer (fairmem robust --method box) as \"robust\" (needs counts).")
  var robust = false
  @Option(help: "Confidence level of --robust, in (0, 1).") var level: Double = 0.95

  func validate() throws {
    guard threads >= 1, threads <= 1024 else { throw InputError(field: "--threads", problem: "must be in 1...1024") }
    guard block >= 1, block <= 1_000_000 else { throw InputError(field: "--block", problem: "must be in 1...1000000") }
    guard level.isFinite, level > 0, level < 1 else {
      throw InputError(field: "--level", problem: "must be in (0, 1), got \(level)")
    }
  }

  func run() throws {
    var reader = try SweepInstances(path: input, io: CommandIO.current)
    let metrics = selection.selectedMetrics
    let favorable = selection.favorable
    let tolerance = selection.tolerance
    let certificate = !noCertificate
    let normalize = normalize
    let route: AnswerRoute = lpOnly ? .linearProgram : .closedFormWhereExact
    let robustLevel = robust ? level : nil
    var lineNumber = 0
    var failures = 0
    var internalFailures = 0
    let started = Date()
    var lastReport = started
    let output = CommandIO.current
    while true {
      var lines: [SweepInstance] = []
      lines.reserveCapacity(block)
      while lines.count < block, let line = try reader.next() { lines.append(line) }
      if lines.isEmpty { break }
      // Every physical line, blank or not, is one item: its number is its position in the file.
      let first = lineNumber + 1
      // Answers stream out in input order as soon as they and every earlier line are done: a
      // slow instance holds back only the lines after it, and what is finished is written.
      let tally = SweepTally(output: output)
      ParallelMap.forEachInOrder(lines, threads: threads) { index, line in
        Self.answer(
          line: line, number: first + index, metrics: metrics, favorable: favorable, tolerance: tolerance,
          certificate: certificate, normalize: normalize, robustLevel: robustLevel, route: route)
      } emit: { _, result in
        tally.record(result)
      }
      tally.flush()
      failures += tally.failures
      internalFailures += tally.internalFailures
      lineNumber += lines.count
      if !quiet, Date().timeIntervalSince(lastReport) > 0.5 {
        lastReport = Date()
        FileHandle.standardError.write(
          Data(
            "\r[sweep] \(lineNumber) instances, \(Int(Double(lineNumber) / lastReport.timeIntervalSince(started))) per second   "
              .utf8))
      }
    }
    if !quiet {
      let seconds = Date().timeIntervalSince(started)
      FileHandle.standardError.write(
        Data(
          "\r[sweep] \(lineNumber) instances in \(String(format: "%.2f", seconds)) s (\(failures) with bad input, \(internalFailures) solver failures)          \n"
            .utf8))
    }
    if failures > 0 { throw ExitCode(FairMemExitCode.badInput) }
    if internalFailures > 0 { throw ExitCode(FairMemExitCode.internalFailure) }
  }

  /// How one input line ended.
  enum LineOutcome: Sendable { case answered, badInput, internalFailure }

  /// The output of one block, written in order as lines finish: buffered up to 64 KiB or a
  /// quarter of a second, so fast instances are not one write each and slow ones appear
  /// promptly. `record` is called one line at a time (`ParallelMap.forEachInOrder` holds its lock).
  final class SweepTally: @unchecked Sendable {
    private let output: CommandIO
    private var buffer = ""
    private var lastFlush = DispatchTime.now().uptimeNanoseconds
    private(set) var failures = 0
    private(set) var internalFailures = 0

    init(output: CommandIO) { self.output = output }

    func record(_ result: (String, LineOutcome)) {
      buffer += result.0
      switch result.1 {
      case .answered: break
      case .badInput: failures += 1
      case .internalFailure: internalFailures += 1
      }
      let now = DispatchTime.now().uptimeNanoseconds
      if buffer.utf8.count >= 65_536 || now - lastFlush >= 250_000_000 {
        flush()
        lastFlush = now
      }
    }

    func flush() {
      guard !buffer.isEmpty else { return }
      output.write(buffer)
      buffer = ""
    }
  }

  /// Answers one line: the JSON Lines text for every metric, and how the line ended. Bad input
  /// and solver failures produce an error object instead of answers.
  static func answer(
    line: SweepInstance, number: Int, metrics: [FairnessMetric], favorable: String?, tolerance: Double,
    certificate: Bool, normalize: Bool, robustLevel: Double? = nil, route: AnswerRoute = .closedFormWhereExact
  ) -> (String, LineOutcome) {
    var id = JSONValue.null
    do {
      guard !line.isEmpty else {
        throw InputError(field: "line \(number)", problem: "blank line (expected one statistics object per line)")
      }
      let decoder = StatisticsDecoder(normalize: normalize)
      let object = try line.object(decoder)
      id = JSONValue(object["id"])
      let stats = try decoder.decode(object: object)
      let options = MetricOptions(favorableClass: try stats.classIndex(named: favorable), tolerance: tolerance)
      var text = ""
      for answer in try MemorizationAnalysis.answers(
        stats, metrics: metrics, options: options, certificate: certificate, route: route)
      {
        let robust = try robustLevel.flatMap { level throws(LPFailure) in
          try RobustAnalysis.section(stats, metric: answer.metric, options: options, level: level, requested: true)
        }
        let report = SweepAnswerReport(id: id, answer: MemorizationAnswerReport(answer), robust: robust)
        text += try AnswerJSON.text(report: report, pretty: false) + "\n"
      }
      return (text, .answered)
    } catch {
      let kind = (error as? any ClassifiedError)?.failureKind ?? .internalFailure
      let report = SweepFailureReport(
        line: number, id: id, error: "\(error)", internal: kind == .internalFailure,
        field: CommandFailure.classify(error).field)
      return (
        ((try? AnswerJSON.text(report: report, pretty: false)) ?? "{\"line\": \(number), \"error\": \"unprintable\"}")
          + "\n",
        kind == .internalFailure ? .internalFailure : .badInput
      )
    }
  }
}

/// One instance of a sweep: a line of JSON Lines text, or a value the caller has already parsed
/// (an element of the C ABI request's `"input"` array).
enum SweepInstance: @unchecked Sendable {  // the parsed value is immutable JSON data
  case line(String)
  case parsed(Any)

  /// A blank physical line (an error: every line must hold one statistics object).
  var isEmpty: Bool {
    if case .line(let text) = self { return text.isEmpty }
    return false
  }

  func object(_ decoder: StatisticsDecoder) throws -> [String: Any] {
    switch self {
    case .line(let text): return try decoder.object(from: Array(text.utf8))
    case .parsed(let value):
      guard let object = value as? [String: Any] else {
        throw InputError(field: "input", problem: "expected a JSON object with groups, classes, ...")
      }
      return object
    }
  }
}

/// The instances of a sweep, read one at a time: from a file or the process's standard input
/// (streamed, constant memory), or from the C ABI request's input (JSON Lines text or an array).
struct SweepInstances {
  private var reader: LineReader?
  private var lines: [Substring] = []
  private var values: [Any] = []
  private var position = 0

  init(path: String?, io: CommandIO) throws {
    switch (path, io.standardInput) {
    case (nil, .bytes(let bytes)):
      // Every physical line is one instance (blank ones become error lines); a final newline
      // does not start another line.
      lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
      if lines.last?.isEmpty == true { lines.removeLast() }
    case (nil, .parsed(let value)):
      guard let array = value as? [Any] else {
        throw InputError(field: "input", problem: "expected an array of statistics objects")
      }
      values = array
    default:
      reader = try LineReader(path: path)
    }
  }

  mutating func next() throws -> SweepInstance? {
    if let reader { return try reader.next().map(SweepInstance.line) }
    if position < lines.count {
      defer { position += 1 }
      return .line(lines[position].trimmingCharacters(in: .whitespacesAndNewlines))
    }
    if position < values.count {
      defer { position += 1 }
      return .parsed(values[position])
    }
    return nil
  }
}

/// Reads a file or standard input line by line without loading it all. Every physical line is
/// returned (white space trimmed; a blank line as ""), so that the n-th call returns line n.
final class LineReader {
  private let handle: UnsafeMutablePointer<FILE>
  private let ownsHandle: Bool
  private let name: String

  /// Opens `path` (standard input when nil). A directory or an unreadable path is bad input.
  init(path: String?) throws(InputError) {
    name = path ?? "stdin"
    if let path {
      var info = stat()
      guard stat(path, &info) == 0 else {
        throw InputError(field: path, problem: "cannot open file (\(String(cString: strerror(errno))))")
      }
      guard info.st_mode & S_IFMT != S_IFDIR else {
        throw InputError(field: path, problem: "is a directory, expected a JSON Lines file")
      }
      guard let file = fopen(path, "r") else {
        throw InputError(field: path, problem: "cannot open file (\(String(cString: strerror(errno))))")
      }
      handle = file
      ownsHandle = true
    } else {
      guard let standardInput = fdopen(0, "r") else { throw InputError(field: "stdin", problem: "cannot open") }
      handle = standardInput
      ownsHandle = false
    }
  }

  deinit { if ownsHandle { fclose(handle) } }

  private static func isSpace(_ c: CChar) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

  /// The next line, nil at the end of the input.
  /// - Throws: `InputError` when reading fails (not at the end of the input).
  func next() throws(InputError) -> String? {
    var buffer: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(buffer) }
    let length = getline(&buffer, &capacity, handle)
    guard length >= 0, let buffer else {
      if ferror(handle) != 0 {
        throw InputError(field: name, problem: "read error (\(String(cString: strerror(errno))))")
      }
      return nil
    }
    // Trim ASCII white space on the bytes (Foundation's trimming bridges through NSString).
    var start = 0
    var end = length
    while start < end, Self.isSpace(buffer[start]) { start += 1 }
    while end > start, Self.isSpace(buffer[end - 1]) { end -= 1 }
    return String(decoding: UnsafeRawBufferPointer(start: buffer + start, count: end - start), as: UTF8.self)
  }
}
