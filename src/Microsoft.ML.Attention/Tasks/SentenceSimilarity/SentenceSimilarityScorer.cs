using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Regression output in the shape ML.NET's regression scorers give it: <c>Score</c> (<c>Single</c>, annotated
/// <c>ScoreColumnKind = Regression</c>, <c>ScoreValueKind = Score</c>), so that <c>mlContext.Regression.Evaluate</c> reads it. The
/// regressor runs on the <see cref="InferenceNetwork{TNetwork}"/>'s engine and precision (ONNX Runtime reads the export's <c>score</c>); the score is cast to float32.
/// </summary>
internal sealed class SentenceSimilarityScorer : TaskScorer<EncodedRow>
{
    private readonly TaskModel<SequenceClassifier> _model;
    private readonly InferenceNetwork<SequenceClassifier> _inference;
    private readonly SentenceSimilaritySpec _spec;
    private readonly ScalarOutputColumn<float> _score;

    public SentenceSimilarityScorer(TaskModel<SequenceClassifier> model, SentenceSimilaritySpec spec, InferenceSettings settings)
    {
        _model = model;
        _spec = spec;
        _score = new ScalarOutputColumn<float>(SentenceSimilaritySpec.ScoreColumnName, NumberDataViewType.Single, ScoreAnnotations());
        OutputColumns = [_score];
        _inference = model.ForInference(settings);
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns => TextColumns(_spec.InputColumnNames);

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    protected override EncodedRow Encode(InputRow row) => SentenceSimilarityForward.Encode(_model.Tokenizer, _model.Config.MaxSequenceLength, row.Text(0),
        _spec.SecondTextColumnName is null ? null : row.Text(1), pair: _spec.SecondTextColumnName is not null);

    protected override int Length(EncodedRow row) => row.Length;

    protected override void ScoreBatch(IReadOnlyList<EncodedRow> batch, ScoredRows output, IReadOnlyList<int> outputRows, CancellationToken cancellationToken)
    {
        float[] scores;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var padded = BatchEncoder.Pad(batch, _model.Tokenizer.Special.Pad);
            var values = _inference.Forward(padded, network => [TextClassificationForward.Logits(network, padded, _model.Device)],
                SentenceSimilaritySpec.ScoreOutput)[0];                      // [B, 1]
            scores = values.squeeze(1).to(float32).cpu().data<float>().ToArray();   // [B]
        }
        for (int b = 0; b < batch.Count; b++)
            _score.Set(output, outputRows[b], scores[b]);
    }

    public override void Dispose() => _inference.Dispose();

    /// <summary>ScoreColumnKind and ScoreValueKind as ML.NET's regression scorer writes them.</summary>
    internal static DataViewSchema.Annotations ScoreAnnotations()
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> value) => value = AnnotationUtils.Const.ScoreColumnKind.Regression.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> value) => value = AnnotationUtils.Const.ScoreValueKind.Score.AsMemory());
        return builder.ToAnnotations();
    }
}
