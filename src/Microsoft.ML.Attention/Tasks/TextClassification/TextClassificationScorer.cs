using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Classification outputs in the shape ML.NET's own scorers give them, so that the evaluators work unchanged:
/// multiclass: <c>PredictedLabel</c> (key, with the label's key values) and <c>Score</c> (class probabilities, slot names = key values);
/// binary: <c>PredictedLabel</c> (Boolean, logit &gt; 0), <c>Score</c> (the logit) and <c>Probability</c> (its sigmoid).
/// The classifier runs at the <see cref="InferenceNetwork"/>'s precision; the logits are cast to float32 before the softmax.
/// </summary>
internal sealed class TextClassificationScorer : IRowScorer, IDisposable
{
    private readonly TransformerTextModel _model;
    private readonly InferenceNetwork _inference;
    private readonly SequenceClassifier _network;
    private readonly TextClassificationSpec _spec;

    public TextClassificationScorer(TransformerTextModel model, InferenceNetwork network, TextClassificationSpec spec)
    {
        _model = model;
        _inference = network;
        _network = (SequenceClassifier)network.Network;
        _spec = spec;
        InputColumnNames = spec.InputColumnNames;
        OutputColumns = spec.Label.IsBinary ? BinaryColumns() : MulticlassColumns(spec.Label);
    }

    public IReadOnlyList<string> InputColumnNames { get; }

    public IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    public object[][] Score(IReadOnlyList<string[]> inputs)
    {
        float[] logits;
        int width = _spec.Label.HeadSize;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            _network.eval();
            var second = _spec.SecondTextColumnName is null ? null : inputs.Select(row => row[1]).ToList();
            var output = TextClassificationForward.Logits(_network, _model.Tokenizer, inputs.Select(row => row[0]).ToList(), second, _model.Device)
                .to(float32);  // [B, C]
            if (!_spec.Label.IsBinary)
                output = nn.functional.softmax(output, 1);
            logits = output.cpu().data<float>().ToArray();   // [B * C]
        }
        var values = new object[inputs.Count][];
        for (int row = 0; row < inputs.Count; row++)
        {
            if (_spec.Label.IsBinary)
            {
                float logit = logits[row];
                values[row] = [logit > 0, logit, 1f / (1f + MathF.Exp(-logit))];
                continue;
            }
            var probabilities = logits.AsSpan(row * width, width).ToArray();
            uint predicted = 1;
            for (int c = 1; c < width; c++)
            {
                if (probabilities[c] > probabilities[predicted - 1])
                    predicted = (uint)c + 1;
            }
            values[row] = [predicted, new VBuffer<float>(width, probabilities)];
        }
        return values;
    }

    public void Dispose() => _inference.Dispose();

    private static DataViewSchema.DetachedColumn[] MulticlassColumns(TextClassificationLabel label)
    {
        var predicted = KindAnnotations(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
        label.KeyValues?.AddKeyValues(predicted);
        var score = KindAnnotations(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.Score);
        label.KeyValues?.AddSlotNames(score);
        return
        [
            new(TextClassificationSpec.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), label.ClassCount), predicted.ToAnnotations()),
            new(TextClassificationSpec.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, label.ClassCount), score.ToAnnotations()),
        ];
    }

    private static DataViewSchema.DetachedColumn[] BinaryColumns()
    {
        const string kind = AnnotationUtils.Const.ScoreColumnKind.BinaryClassification;
        var probability = KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.Probability);
        probability.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, (ref bool value) => value = true);
        return
        [
            new(TextClassificationSpec.PredictedLabelColumnName, BooleanDataViewType.Instance,
                KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.PredictedLabel).ToAnnotations()),
            new(TextClassificationSpec.ScoreColumnName, NumberDataViewType.Single, KindAnnotations(kind, AnnotationUtils.Const.ScoreValueKind.Score).ToAnnotations()),
            new(TextClassificationSpec.ProbabilityColumnName, NumberDataViewType.Single, probability.ToAnnotations()),
        ];
    }

    // ScoreColumnKind and ScoreValueKind, as ML.NET's scorers write them.
    private static DataViewSchema.Annotations.Builder KindAnnotations(string columnKind, string valueKind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = columnKind.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = valueKind.AsMemory());
        return builder;
    }
}
