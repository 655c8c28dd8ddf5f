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
    }

    public IReadOnlyList<string> InputColumnNames => _spec.InputColumnNames;

    public IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; } =
    [
        new(QuestionAnsweringSpec.AnswerColumnName, TextDataViewType.Instance),
        new(QuestionAnsweringSpec.AnswerStartColumnName, NumberDataViewType.Int32),
        new(QuestionAnsweringSpec.ScoreColumnName, NumberDataViewType.Single),
    ];

    public object[][] Score(IReadOnlyList<string[]> inputs)
    {
        _network.eval();
        var predictions = QuestionAnsweringPredictor.Predict(_network, _packer, _spec.MaxAnswerLength,
            inputs.Select(row => (row[0], row[1])).ToList(), Math.Max(1, inputs.Count), _model.Device);
        return predictions.Select(p => new object[] { p.Answer.AsMemory(), p.AnswerStart, p.Score }).ToArray();
    }

    public void Dispose() => _inference.Dispose();
}
