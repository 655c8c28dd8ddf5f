using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>One sentence as the token-classification scorer encodes it: aligned with its sub-words, with the text its characters index.</summary>
/// <param name="Sentence">The words aligned with their sub-words and windows.</param>
/// <param name="Text">The input text (a text column), or the words joined by single spaces (a vector of words).</param>
/// <param name="Starts">Each word's first character in <paramref name="Text"/>.</param>
internal sealed record TokenClassificationInput(AlignedSentence Sentence, string Text, int[] Starts);

/// <summary>
/// Token-classification outputs, one value per word: <c>PredictedLabel</c> (a vector of keys with the label's key values, or of text) and
/// <c>Score</c> (Single: the probability of the predicted label, aggregated over the word's sub-words); with entities, the vectors
/// <c>Entities</c>, <c>EntityTypes</c>, <c>EntityStarts</c>, <c>EntityLengths</c> and <c>EntityScores</c>, one value per entity. An
/// empty sentence gives empty vectors. The classifier runs on the <see cref="InferenceNetwork{TNetwork}"/>'s engine and precision (ONNX
/// Runtime reads the export's <c>logits</c>).
/// </summary>
internal sealed class TokenClassificationScorer : TaskScorer<TokenClassificationInput>
{
    private readonly TaskModel<TokenClassifier> _model;
    private readonly InferenceNetwork<TokenClassifier> _inference;
    private readonly TokenClassificationSpec _spec;
    private readonly TokenClassificationAligner _aligner;
    private readonly VectorOutputColumn<uint>? _predictedKeys;
    private readonly VectorOutputColumn<ReadOnlyMemory<char>>? _predictedText;
    private readonly VectorOutputColumn<float> _score;
    private readonly VectorOutputColumn<ReadOnlyMemory<char>>? _entities;
    private readonly VectorOutputColumn<ReadOnlyMemory<char>>? _entityTypes;
    private readonly VectorOutputColumn<int>? _entityStarts;
    private readonly VectorOutputColumn<int>? _entityLengths;
    private readonly VectorOutputColumn<float>? _entityScores;

    public TokenClassificationScorer(TaskModel<TokenClassifier> model, TokenClassificationSpec spec, InferenceSettings settings)
    {
        _model = model;
        _spec = spec;
        _aligner = spec.CreateAligner(model.Tokenizer, model.Config.MaxSequenceLength);
        var labels = spec.Labels;
        List<TaskOutputColumn> columns = [];
        if (labels.IsKey)
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            labels.KeyValues?.AddKeyValues(annotations);
            _predictedKeys = new(TokenClassificationSpec.PredictedLabelColumnName,
                new VectorDataViewType(new KeyDataViewType(typeof(uint), labels.Count), 0), annotations.ToAnnotations());
            columns.Add(_predictedKeys);
        }
        else
        {
            _predictedText = new(TokenClassificationSpec.PredictedLabelColumnName, new VectorDataViewType(TextDataViewType.Instance, 0));
            columns.Add(_predictedText);
        }
        _score = new(TokenClassificationSpec.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, 0));
        columns.Add(_score);
        if (spec.AddEntities)
        {
            _entities = new(TokenClassificationSpec.EntitiesColumnName, new VectorDataViewType(TextDataViewType.Instance, 0));
            _entityTypes = new(TokenClassificationSpec.EntityTypesColumnName, new VectorDataViewType(TextDataViewType.Instance, 0));
            _entityStarts = new(TokenClassificationSpec.EntityStartsColumnName, new VectorDataViewType(NumberDataViewType.Int32, 0));
            _entityLengths = new(TokenClassificationSpec.EntityLengthsColumnName, new VectorDataViewType(NumberDataViewType.Int32, 0));
            _entityScores = new(TokenClassificationSpec.EntityScoresColumnName, new VectorDataViewType(NumberDataViewType.Single, 0));
            columns.AddRange([_entities, _entityTypes, _entityStarts, _entityLengths, _entityScores]);
        }
        OutputColumns = columns;
        _inference = model.ForInference(settings);
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns => [_spec.InputColumn];

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    protected override TokenClassificationInput Encode(InputRow row)
    {
        if (!_spec.WordsAreVector)
        {
            string text = row.Text(0);
            var (words, starts) = TokenClassificationReader.Split(text);
            return new TokenClassificationInput(_aligner.Align(words), text, starts);
        }
        var sentence = _aligner.Align(row.Words(0));
        var joinedStarts = new int[sentence.Words.Length];
        for (int w = 1; w < joinedStarts.Length; w++)
            joinedStarts[w] = joinedStarts[w - 1] + sentence.Words[w - 1].Length + 1;
        return new TokenClassificationInput(sentence, sentence.Text, joinedStarts);
    }

    protected override int Length(TokenClassificationInput row) => Enumerable.Range(0, row.Sentence.Windows.Count).Sum(row.Sentence.WindowLength);

    protected override void ScoreBatch(IReadOnlyList<TokenClassificationInput> batch, ScoredRows output, IReadOnlyList<int> outputRows,
        CancellationToken cancellationToken)
    {
        var sentences = batch.Select(b => b.Sentence).ToList();
        int windows = Math.Max(1, sentences.Sum(s => s.Windows.Count));
        var predictions = TokenClassificationPredictor.Predict(
            padded => _inference.Forward(padded, network => [TokenClassificationPredictor.Forward(network, padded, _model.Device)], TokenClassificationSpec.LogitsOutput)[0],
            _spec.Labels.Count, _aligner, sentences, _spec.Aggregation, windows, cancellationToken.ThrowIfCancellationRequested);
        var names = _spec.Labels.Names;
        for (int b = 0; b < batch.Count; b++)
        {
            int row = outputRows[b];
            var words = predictions[b];
            if (_predictedKeys is not null)
                _predictedKeys.Set(output, row, [.. words.Select(p => (uint)p.Label + 1)]);
            else
                _predictedText!.Set(output, row, [.. words.Select(p => names[p.Label].AsMemory())]);
            _score.Set(output, row, [.. words.Select(p => p.Score)]);
            if (_spec.AddEntities)
                SetEntities(output, row, batch[b], words);
        }
    }

    // Entities from the predicted tags, with characters in the row's text.
    private void SetEntities(ScoredRows output, int row, TokenClassificationInput input, WordPrediction[] words)
    {
        var tags = words.Select(p => _spec.Labels.Names[p.Label]).ToList();
        var spans = EntityChunker.Chunks(tags, _spec.TagScheme, "the predicted tags");
        var sentenceWords = input.Sentence.Words;
        var texts = new ReadOnlyMemory<char>[spans.Count];
        var types = new ReadOnlyMemory<char>[spans.Count];
        var starts = new int[spans.Count];
        var lengths = new int[spans.Count];
        var scores = new float[spans.Count];
        for (int e = 0; e < spans.Count; e++)
        {
            var span = spans[e];
            starts[e] = input.Starts[span.FirstWord];
            lengths[e] = input.Starts[span.LastWord] + sentenceWords[span.LastWord].Length - starts[e];
            texts[e] = input.Text.AsMemory(starts[e], lengths[e]);
            types[e] = span.Type.AsMemory();
            float sum = 0;
            for (int w = span.FirstWord; w <= span.LastWord; w++)
                sum += words[w].Score;
            scores[e] = sum / (span.LastWord - span.FirstWord + 1);
        }
        _entities!.Set(output, row, texts);
        _entityTypes!.Set(output, row, types);
        _entityStarts!.Set(output, row, starts);
        _entityLengths!.Set(output, row, lengths);
        _entityScores!.Set(output, row, scores);
    }

    public override void Dispose() => _inference.Dispose();
}
