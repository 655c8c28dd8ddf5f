using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>
/// The <c>Score</c> of a sentence-pair model (a cross-encoder: <see cref="TransformerTask.TextClassification"/> with a Boolean label or
/// <see cref="TransformerTask.SentenceSimilarity"/>, each with <c>SecondTextColumnName</c>) for (query, candidate) pairs, outside a data
/// view, so that <see cref="CandidateRanker"/> can rerank with it: <c>CandidateRanker.Rerank(scorer.Score, query, corpus, retrieved)</c>.
/// The query is the model's first text column and the candidate its second, as in training. Pairs are scored
/// <see cref="TransformerTextTransformer.InferenceBatchSize"/> at a time; calls from several threads are served one after another.
/// Create it with <see cref="AttentionCatalog.AsPairScorer"/>.
/// </summary>
/// <remarks>
/// The score is the model's <c>Score</c> column: the logit of a binary classifier (its <c>Probability</c> is the sigmoid of it, so both
/// rank alike; the logit does not saturate at 1) or the regression's value. Higher is more relevant.
/// </remarks>
public sealed class TransformerPairScorer : IDisposable
{
    /// <summary>The output column read: the one ML.NET's binary-classification and regression scorers call <c>Score</c>.</summary>
    private const string ScoreColumnName = "Score";

    private readonly TransformerTextTransformer _transformer;
    private readonly bool _ownsTransformer;
    private readonly int _scoreColumn;
    private readonly object _gate = new();

    internal TransformerPairScorer(TransformerTextTransformer transformer, bool ownsTransformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        var columns = transformer.OutputColumns;
        int score = -1;
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Name == ScoreColumnName && columns[i].Type == NumberDataViewType.Single)
                score = i;
        }
        if (transformer.InputColumnNames.Count != 2 || score < 0)
        {
            throw new ArgumentException(
                $"A pair scorer needs a transformer that reads two text columns and writes a Single '{ScoreColumnName}' column (a TextClassification model with a Boolean label, or a SentenceSimilarity model, each with SecondTextColumnName set); this one's task is {transformer.Task}, with input columns {string.Join(", ", transformer.InputColumnNames)} and output columns {string.Join(", ", transformer.OutputColumnNames)}.",
                nameof(transformer));
        }
        _transformer = transformer;
        _ownsTransformer = ownsTransformer;
        _scoreColumn = score;
    }

    /// <summary>The model's first text column: where the query goes.</summary>
    public string QueryColumnName => _transformer.InputColumnNames[0];

    /// <summary>The model's second text column: where the candidate goes.</summary>
    public string CandidateColumnName => _transformer.InputColumnNames[1];

    /// <summary>Scores <paramref name="pairs"/>, one score per pair in order (higher = more relevant); a null text counts as empty.</summary>
    /// <param name="pairs">The (query, candidate) pairs.</param>
    public IReadOnlyList<float> Score(IReadOnlyList<(string Query, string Candidate)> pairs) => Score(pairs, CancellationToken.None);

    /// <summary>Scores <paramref name="pairs"/>, one score per pair in order (higher = more relevant); a null text counts as empty.</summary>
    /// <param name="pairs">The (query, candidate) pairs.</param>
    /// <param name="cancellationToken">Checked before each forward pass.</param>
    public IReadOnlyList<float> Score(IReadOnlyList<(string Query, string Candidate)> pairs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var inputs = pairs.Select(p => Tasks.InputRow.OfTexts(p.Query ?? "", p.Candidate ?? "")).ToList();
        Tasks.ScoredRows scored;
        lock (_gate)
            scored = _transformer.ScoreRows(inputs, cancellationToken);
        int row = 0;
        var getter = (ValueGetter<float>)_transformer.OutputColumns[_scoreColumn].MakeGetter(() => scored[_scoreColumn], () => row);
        var scores = new float[scored.RowCount];
        for (; row < scored.RowCount; row++)
            getter(ref scores[row]);
        return scores;
    }

    /// <summary>Disposes the transformer when this scorer was created to own it.</summary>
    public void Dispose()
    {
        if (_ownsTransformer)
            _transformer.Dispose();
    }
}
