using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Question-answering outputs: <c>Answer</c> (text, a substring of the context), <c>AnswerStart</c> (Int32 character offset in the
/// context) and <c>Score</c> (Single: start logit + end logit of the best span over all windows; NaN for an empty question or context).
/// The span extractor runs at the <see cref="InferenceNetwork"/>'s precision.
/// </summary>
internal sealed class QuestionAnsweringScorer : IRowScorer, IDisposable
{
    private readonly TransformerTextModel _model;
    private readonly InferenceNetwork _inference;
    private readonly SpanExtractor _network;
    private readonly QuestionAnsweringSpec _spec;
    private readonly QuestionAnsweringPacker _packer;

    public QuestionAnsweringScorer(TransformerTextModel model, InferenceNetwork network, QuestionAnsweringSpec spec)
    {
        _model = model;
        _inference = network;
        _network = (SpanExtractor)network.Network;
        _spec = spec;
        _packer = spec.CreatePacker(model);
        OutputColumns = QuestionAnsweringSpec.OutputColumns(spec.TopAnswerCount).Select(c => new DataViewSchema.DetachedColumn(c.Name, c.Type)).ToList();
    }

    public IReadOnlyList<string> InputColumnNames => _spec.InputColumnNames;

    public IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    public object[][] Score(IReadOnlyList<string[]> inputs)
    {
        _network.eval();
        int top = _spec.TopAnswerCount;
        var predictions = QuestionAnsweringPredictor.Predict(_network, _packer, _spec.MaxAnswerLength,
            inputs.Select(row => (row[0], row[1])).ToList(), Math.Max(1, inputs.Count), _model.Device, top);
        if (top == 1)
            return predictions.Select(p => new object[] { p.Answer.AsMemory(), p.AnswerStart, p.Score }).ToArray();
        return predictions.Select(p => new object[]
        {
            p.Answer.AsMemory(), p.AnswerStart, p.Score,
            new VBuffer<ReadOnlyMemory<char>>(top, Padded(p.Top!, top, a => a.Answer.AsMemory(), ReadOnlyMemory<char>.Empty)),
            new VBuffer<int>(top, Padded(p.Top!, top, a => a.AnswerStart, -1)),
            new VBuffer<float>(top, Padded(p.Top!, top, a => a.Score, float.NaN)),
        }).ToArray();
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

    public void Dispose() => _inference.Dispose();
}
