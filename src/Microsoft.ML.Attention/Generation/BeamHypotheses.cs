namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// The best finished hypotheses of one row in beam search (Hugging Face's <c>BeamHypotheses</c>): at most the beam size, each scored
/// by its summed log-probability divided by its generated length (end token included) to the power of the length penalty.
/// </summary>
internal sealed class BeamHypotheses(int beamSize, float lengthPenalty, bool earlyStopping)
{
    private readonly List<(double Score, List<int> Ids)> _hypotheses = [];

    /// <summary>Adds a finished hypothesis when it is among the best <c>beamSize</c> so far.</summary>
    /// <param name="ids">Its tokens without the start and end token.</param>
    /// <param name="sumLogProbabilities">Its summed log-probability, end token included.</param>
    /// <param name="generatedLength">Tokens it generated, end token included (at least 1).</param>
    public void Add(List<int> ids, double sumLogProbabilities, int generatedLength)
    {
        double score = sumLogProbabilities / Math.Pow(generatedLength, lengthPenalty);
        if (_hypotheses.Count == beamSize && score <= _hypotheses[^1].Score)
        {
            return;
        }

        int position = _hypotheses.FindIndex(h => h.Score < score); // best first; an earlier hypothesis wins a tie
        _hypotheses.Insert(position < 0 ? _hypotheses.Count : position, (score, ids));
        if (_hypotheses.Count > beamSize)
        {
            _hypotheses.RemoveAt(_hypotheses.Count - 1);
        }
    }

    /// <summary>
    /// Whether the row is done: it has <c>beamSize</c> hypotheses and either <c>earlyStopping</c> or the best unfinished beam's
    /// normalized score, <paramref name="bestRunningSum"/> / <paramref name="currentLength"/>^penalty, cannot beat the worst of them.
    /// </summary>
    public bool IsDone(double bestRunningSum, int currentLength)
    {
        if (_hypotheses.Count < beamSize)
        {
            return false;
        }

        return earlyStopping || double.IsNegativeInfinity(bestRunningSum)
            || bestRunningSum / Math.Pow(currentLength, lengthPenalty) <= _hypotheses[^1].Score;
    }

    /// <summary>The ids of the best hypothesis (empty when there is none).</summary>
    public IReadOnlyList<int> Best() => _hypotheses.Count == 0 ? [] : _hypotheses[0].Ids;
}
