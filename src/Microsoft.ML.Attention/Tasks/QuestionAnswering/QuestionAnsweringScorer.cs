using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Question-answering outputs: <c>Answer</c> (text, a substring of the context), <c>AnswerStart</c> (Int32 character offset in the
/// context) and <c>Score</c> (Single: start logit + end logit of the best span over all windows; NaN for an empty question or context),
/// and with <see cref="QuestionAnsweringSpec.TopAnswerCount"/> above 1 the top answers as vectors. Each row is packed into its windows
/// once; the span extractor runs on the <see cref="InferenceNetwork{TNetwork}"/>'s engine and precision (ONNX Runtime reads the
/// export's <c>start_logits</c> and <c>end_logits</c>).
/// </summary>
internal sealed class QuestionAnsweringScorer : TaskScorer<(PackedQuestion Packed, string Context)>
{
    private readonly TaskModel<SpanExtractor> _model;
    private readonly InferenceNetwork<SpanExtractor> _inference;
    private readonly QuestionAnsweringSpec _spec;
    private readonly QuestionAnsweringPacker _packer;
    private readonly ScalarOutputColumn<ReadOnlyMemory<char>> _answer;
    private readonly ScalarOutputColumn<int> _answerStart;
    private readonly ScalarOutputColumn<float> _score;
    private readonly VectorOutputColumn<ReadOnlyMemory<char>>? _topAnswers;
    private readonly VectorOutputColumn<int>? _topStarts;
    private readonly VectorOutputColumn<float>? _topScores;

    public QuestionAnsweringScorer(TaskModel<SpanExtractor> model, QuestionAnsweringSpec spec, InferenceSettings settings)
    {
        _model = model;
        _spec = spec;
        _packer = spec.CreatePacker(model.Tokenizer, model.Config.MaxSequenceLength);
        _answer = new(QuestionAnsweringSpec.AnswerColumnName, TextDataViewType.Instance);
        _answerStart = new(QuestionAnsweringSpec.AnswerStartColumnName, NumberDataViewType.Int32);
        _score = new(QuestionAnsweringSpec.ScoreColumnName, NumberDataViewType.Single);
        int top = spec.TopAnswerCount;
        if (top > 1)
        {
            _topAnswers = new(QuestionAnsweringSpec.TopAnswersColumnName, new VectorDataViewType(TextDataViewType.Instance, top));
            _topStarts = new(QuestionAnsweringSpec.TopAnswerStartsColumnName, new VectorDataViewType(NumberDataViewType.Int32, top));
            _topScores = new(QuestionAnsweringSpec.TopScoresColumnName, new VectorDataViewType(NumberDataViewType.Single, top));
            OutputColumns = [_answer, _answerStart, _score, _topAnswers, _topStarts, _topScores];
        }
        else
        {
            OutputColumns = [_answer, _answerStart, _score];
        }
        _inference = model.ForInference(settings);
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns => TextColumns(_spec.InputColumnNames);

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    protected override (PackedQuestion Packed, string Context) Encode(InputRow row) => (_packer.PackBounded(row.Text(0), row.Text(1)), row.Text(1));

    protected override int Length((PackedQuestion Packed, string Context) row) =>
        Enumerable.Range(0, row.Packed.Windows.Count).Sum(row.Packed.WindowLength);

    protected override void ScoreBatch(IReadOnlyList<(PackedQuestion Packed, string Context)> batch, ScoredRows output, IReadOnlyList<int> outputRows,
        CancellationToken cancellationToken)
    {
        int top = _spec.TopAnswerCount;
        var predictions = QuestionAnsweringPredictor.Predict(Forward, _packer, _spec.MaxAnswerLength, batch, Math.Max(1, batch.Count), top, cancellationToken);
        for (int b = 0; b < batch.Count; b++)
        {
            var p = predictions[b];
            int row = outputRows[b];
            _answer.Set(output, row, p.Answer.AsMemory());
            _answerStart.Set(output, row, p.AnswerStart);
            _score.Set(output, row, p.Score);
            if (top > 1)
            {
                _topAnswers!.Set(output, row, Padded(p.Top!, top, a => a.Answer.AsMemory(), ReadOnlyMemory<char>.Empty));
                _topStarts!.Set(output, row, Padded(p.Top!, top, a => a.AnswerStart, -1));
                _topScores!.Set(output, row, Padded(p.Top!, top, a => a.Score, float.NaN));
            }
        }
    }

    // One batch of windows on the scorer's engine: the export's start and end logits, [B, T] each.
    private (TorchSharp.torch.Tensor Start, TorchSharp.torch.Tensor End) Forward(Tokenization.EncodedBatch windows)
    {
        var logits = _inference.Forward(windows, network =>
        {
            var (start, end) = QuestionAnsweringPredictor.Forward(network, windows, _model.Device);
            return [start, end];
        }, QuestionAnsweringSpec.StartLogitsOutput, QuestionAnsweringSpec.EndLogitsOutput);
        return (logits[0], logits[1]);
    }

    // The top answers' values, padded to the column's length.
    private static T[] Padded<T>(IReadOnlyList<QuestionAnsweringPrediction> top, int length, Func<QuestionAnsweringPrediction, T> value, T padding)
    {
        var values = new T[length];
        Array.Fill(values, padding);
        for (int i = 0; i < top.Count; i++)
            values[i] = value(top[i]);
        return values;
    }

    public override void Dispose() => _inference.Dispose();
}
