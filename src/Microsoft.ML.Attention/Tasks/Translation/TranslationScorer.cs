using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Translates each batch of sources with a <see cref="SequenceToSequenceGenerator"/> (beam search as the spec saved it; beam size 1 is
/// greedy) and writes the decoded text. A source is encoded once (<c>Encode(text) + [Eos]</c>, cut to the encoder's length) and rows
/// are grouped by that length; the generator checks the cancellation token before every decoding step. Runs in float32.
/// </summary>
internal sealed class TranslationScorer : TaskScorer<IReadOnlyList<int>>
{
    private readonly SequenceToSequenceGenerator _generator;
    private readonly TranslationSpec _spec;
    private readonly GenerationOptions _generation;
    private readonly BeamSearchOptions _search;
    private readonly ScalarOutputColumn<ReadOnlyMemory<char>> _translation;

    public TranslationScorer(TaskModel<EncoderDecoderModel> model, TranslationSpec spec)
    {
        _generator = new SequenceToSequenceGenerator(model.Network, model.Tokenizer, model.Tokenizer);
        _spec = spec;
        _generation = spec.Generation;
        _search = spec.Search;
        _translation = new(spec.OutputColumnName, TextDataViewType.Instance);
        OutputColumns = [_translation];
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns => TextColumns(_spec.InputColumnNames);

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    protected override IReadOnlyList<int> Encode(InputRow row) => _generator.EncodeSource(row.Text(0));

    protected override int Length(IReadOnlyList<int> row) => row.Count;

    protected override void ScoreBatch(IReadOnlyList<IReadOnlyList<int>> batch, ScoredRows output, IReadOnlyList<int> outputRows, CancellationToken cancellationToken)
    {
        var ids = _generator.GenerateIds(batch, _generation, _search, cancellationToken);
        for (int b = 0; b < batch.Count; b++)
            _translation.Set(output, outputRows[b], _generator.TargetTokenizer.Decode(ids[b]).AsMemory());
    }
}
