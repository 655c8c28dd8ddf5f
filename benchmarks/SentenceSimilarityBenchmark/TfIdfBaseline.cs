using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Bag-of-words baseline: ML.NET's FeaturizeText with word unigrams weighted TF-IDF (no character n-grams), L2-normalized, fitted
/// on the task's queries and corpus together; documents ranked by cosine (CandidateRanker).
/// </summary>
public static class TfIdfBaseline
{
    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public static InformationRetrievalMetrics Evaluate(MLContext ml, RetrievalTask task)
    {
        var options = new TextFeaturizingEstimator.Options
        {
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, UseAllLengths = false, Weighting = NgramExtractingEstimator.WeightingCriteria.TfIdf },
            CharFeatureExtractor = null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var all = ml.Data.LoadFromEnumerable(task.Queries.Concat(task.Corpus).Select(p => new TextRow { Text = p.Value }));
        var featurizer = ml.Transforms.Text.FeaturizeText("Features", options, nameof(TextRow.Text)).Fit(all);
        var queries = Vectors(featurizer.Transform(ml.Data.LoadFromEnumerable(task.Queries.Select(p => new TextRow { Text = p.Value }))));
        var corpus = Vectors(featurizer.Transform(ml.Data.LoadFromEnumerable(task.Corpus.Select(p => new TextRow { Text = p.Value }))));
        var rankings = new Dictionary<string, IReadOnlyList<string>>();
        for (int q = 0; q < queries.Count; q++)
            rankings[task.Queries[q].Key] = [.. CandidateRanker.Rank(queries[q], corpus, topK: 10).Select(r => task.Corpus[r.Index].Key)];
        return task.Evaluator.EvaluateRankings(rankings);
    }

    private static List<ReadOnlyMemory<float>> Vectors(IDataView data)
    {
        var vectors = new List<ReadOnlyMemory<float>>();
        using var cursor = data.GetRowCursor(data.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(data.Schema["Features"]);
        var value = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref value);
            vectors.Add(value.DenseValues().ToArray());
        }
        return vectors;
    }
}
