namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// One retrieval task: each verse's text in the query translation ranks all verses of the same books in the target translation;
/// the relevant document is the same verse. Verses where either translation is empty are left out. Cutoffs: 1, 10 and the whole
/// corpus (so MRR at the last cutoff is the MRR of the full ranking).
/// </summary>
public sealed class RetrievalTask
{
    public RetrievalTask(string name, IReadOnlyList<Verse> verses, Func<Verse, string> query, Func<Verse, string> target)
    {
        var kept = verses.Where(v => query(v).Length > 0 && target(v).Length > 0).ToList();
        Name = name;
        Queries = [.. kept.Select(v => KeyValuePair.Create(v.Id, query(v)))];
        Corpus = [.. kept.Select(v => KeyValuePair.Create(v.Id, target(v)))];
        Relevant = kept.ToDictionary(v => v.Id, v => (IReadOnlyCollection<string>)[v.Id]);
        Evaluator = new InformationRetrievalEvaluator(Queries, Corpus, Relevant, [1, 10, kept.Count]);
    }

    public string Name { get; }

    public List<KeyValuePair<string, string>> Queries { get; }

    public List<KeyValuePair<string, string>> Corpus { get; }

    /// <summary>Query id → its relevant corpus id (the same verse).</summary>
    public Dictionary<string, IReadOnlyCollection<string>> Relevant { get; }

    public InformationRetrievalEvaluator Evaluator { get; }
}
