import Foundation

extension TextClassifier {
    private static let magic: [UInt8] = Array("HTC1".utf8)

    /// A compact binary form for a database row: sorted terms delta-encoded as varints, idf as
    /// Float32, weights quantised to Int16 with one scale; features whose largest absolute weight is
    /// below `minimumWeight` are dropped (they barely move a score; see REPORT.md for the effect).
    public func serialized(minimumWeight: Float = 0.05) -> Data {
        let classCount = labels.count
        var writer = ByteWriter()
        for byte in Self.magic { writer.byte(byte) }
        writer.byte(UInt8(options.ngrams.lowerBound))
        writer.byte(UInt8(options.ngrams.upperBound))
        writer.byte(options.words ? 1 : 0)
        writer.byte(options.sublinearTF ? 1 : 0)
        writer.float(Float(options.probabilityScale))
        writer.varint(UInt64(classCount))
        for label in labels { writer.string(label) }
        for bias in biases { writer.float(bias) }
        var kept: [Int] = []
        var largest: Float = 0
        for feature in vectorizer.terms.indices {
            var maximum: Float = 0
            for label in 0..<classCount { maximum = max(maximum, abs(weights[feature * classCount + label])) }
            if maximum >= minimumWeight {
                kept.append(feature)
                largest = max(largest, maximum)
            }
        }
        let scale = largest > 0 ? largest / Float(Int16.max) : 1
        writer.varint(UInt64(kept.count))
        writer.float(scale)
        var previous: UInt64 = 0
        for feature in kept {
            let raw = vectorizer.terms[feature].rawValue
            writer.varint(raw - previous)
            previous = raw
        }
        for feature in kept { writer.float(vectorizer.idf[feature]) }
        for feature in kept {
            for label in 0..<classCount {
                writer.int16(Int16((weights[feature * classCount + label] / scale).rounded()))
            }
        }
        return writer.data
    }

    /// Restores a model written by `serialized()`.
    public init(serialized data: Data) throws {
        var reader = ByteReader(data)
        for byte in Self.magic where try reader.byte() != byte {
            throw ModelFormatError.corrupt("not a TextClassifier model")
        }
        let lowerGram = Int(try reader.byte())
        let upperGram = Int(try reader.byte())
        guard 1...3 ~= lowerGram, lowerGram...3 ~= upperGram else { throw ModelFormatError.corrupt("n-gram range") }
        var options = ClassifierOptions(ngrams: lowerGram...upperGram)
        options.words = try reader.byte() == 1
        options.sublinearTF = try reader.byte() == 1
        options.probabilityScale = Double(try reader.float())
        let classCount = Int(try reader.varint())
        guard classCount > 0, classCount < 100_000 else { throw ModelFormatError.corrupt("class count") }
        let labels = try (0..<classCount).map { _ in try reader.string() }
        let biases = try (0..<classCount).map { _ in try reader.float() }
        let featureCount = Int(try reader.varint())
        guard featureCount <= data.count else { throw ModelFormatError.corrupt("feature count") }
        let scale = try reader.float()
        var terms: [Term] = []
        terms.reserveCapacity(featureCount)
        var previous: UInt64 = 0
        for _ in 0..<featureCount {
            let (sum, overflow) = previous.addingReportingOverflow(try reader.varint())
            guard !overflow else { throw ModelFormatError.corrupt("term") }
            previous = sum
            terms.append(Term(rawValue: sum))
        }
        let idf = try (0..<featureCount).map { _ in try reader.float() }
        var weights = [Float](repeating: 0, count: featureCount * classCount)
        for index in weights.indices { weights[index] = Float(try reader.int16()) * scale }
        let vectorizer = FeatureVectorizer(
            tokenizer: FeatureVectorizer.tokenizer(for: options), sublinearTF: options.sublinearTF, terms: terms, idf: idf)
        self.init(labels: labels, options: options, vectorizer: vectorizer, weights: weights, biases: biases)
    }
}
