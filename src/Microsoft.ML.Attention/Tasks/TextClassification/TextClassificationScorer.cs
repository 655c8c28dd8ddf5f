using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Classification outputs in the shape ML.NET's own scorers give them, so that the evaluators work unchanged:
/// multiclass: <c>PredictedLabel</c> (key, with the label's key values) and <c>Score</c> (class probabilities, slot names = key values);
/// binary: <c>PredictedLabel</c> (Boolean, logit &gt; 0), <c>Score</c> (the logit) and <c>Probability</c> (its sigmoid).
/// The classifier runs on the <see cref="InferenceNetwork{TNetwork}"/>'s engine and precision (ONNX Runtime reads the export's <c>logits</c>); the logits are cast to float32 before the softmax.
/// </summary>
internal sealed class TextClassificationScorer : TaskScorer<EncodedRow>
{
    private readonly TaskModel<SequenceClassifier> _model;
    private readonly InferenceNetwork<SequenceClassifier> _inference;
    private readonly TextClassificationSpec _spec;
    private readonly ScalarOutputColumn<bool>? _predictedBoolean;
    private readonly ScalarOutputColumn<uint>? _predictedKey;
    private readonly ScalarOutputColumn<float>? _logit;
    private readonly ScalarOutputColumn<float>? _probability;
    private readonly VectorOutputColumn<float>? _probabilities;

    public TextClassificationScorer(TaskModel<SequenceClassifier> model, TextClassificationSpec spec, InferenceSettings settings)
    {
        _model = model;
        _spec = spec;
        var label = spec.Label;
        if (label.IsBinary)
        {
            const string kind = AnnotationUtils.Const.ScoreColumnKind.BinaryClassification;
            var probability = KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.Probability);
            probability.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
            _predictedBoolean = new(TextClassificationSpec.PredictedLabelColumnName, BooleanDataViewType.Instance,
                KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.PredictedLabel).ToAnnotations());
            _logit = new(TextClassificationSpec.ScoreColumnName, NumberDataViewType.Single, KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.Score).ToAnnotations());
            _probability = new(TextClassificationSpec.ProbabilityColumnName, NumberDataViewType.Single, probability.ToAnnotations());
            OutputColumns = [_predictedBoolean, _logit, _probability];
        }
        else
        {
            const string kind = AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification;
            var predicted = KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
            label.KeyValues?.AddKeyValues(predicted);
            var score = KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.Score);
            label.KeyValues?.AddSlotNames(score);
            _predictedKey = new(TextClassificationSpec.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), label.ClassCount), predicted.ToAnnotations());
            _probabilities = new(TextClassificationSpec.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, label.ClassCount), score.ToAnnotations());
            OutputColumns = [_predictedKey, _probabilities];
        }
        _inference = model.ForInference(settings);
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns => TextColumns(_spec.InputColumnNames);

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    protected override EncodedRow Encode(InputRow row) => TextClassificationForward.Encode(_model.Tokenizer, _model.Config.MaxSequenceLength, row.Text(0),
        _spec.SecondTextColumnName is null ? null : row.Text(1), pair: _spec.SecondTextColumnName is not null);

    protected override int Length(EncodedRow row) => row.Length;

    protected override void ScoreBatch(IReadOnlyList<EncodedRow> batch, ScoredRows output, IReadOnlyList<int> outputRows, CancellationToken cancellationToken)
    {
        float[] logits;
        int width = _spec.Label.HeadSize;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var padded = BatchEncoder.Pad(batch, _model.Tokenizer.Special.Pad);
            var values = _inference.Forward(padded, network => [TextClassificationForward.Logits(network, padded, _model.Device)],
                TextClassificationSpec.LogitsOutput)[0].to(float32);   // [B, C]
            if (!_spec.Label.IsBinary)
                values = nn.functional.softmax(values, 1);
            logits = values.cpu().data<float>().ToArray();   // [B * C]
        }
        for (int b = 0; b < batch.Count; b++)
        {
            int row = outputRows[b];
            if (_spec.Label.IsBinary)
            {
                float logit = logits[b];
                _predictedBoolean!.Set(output, row, logit > 0);
                _logit!.Set(output, row, logit);
                _probability!.Set(output, row, 1f / (1f + MathF.Exp(-logit)));
                continue;
            }
            var probabilities = logits.AsSpan(b * width, width).ToArray();
            uint predicted = 1;
            for (int c = 1; c < width; c++)
            {
                if (probabilities[c] > probabilities[predicted - 1])
                    predicted = (uint)c + 1;
            }
            _predictedKey!.Set(output, row, predicted);
            _probabilities!.Set(output, row, probabilities);
        }
    }

    public override void Dispose() => _inference.Dispose();

    // ScoreColumnKind and ScoreValueKind, as ML.NET's scorers write them.
    private static DataViewSchema.Annotations.Builder KindAnnotations(string columnKind, string valueKind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = columnKind.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
        return builder;
    }
}
