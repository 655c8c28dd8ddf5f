using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

/// <summary><see cref="TransformerTask.TokenClassification"/> through the estimator, on real Brown sentences.</summary>
public class TokenClassificationTaskTests
{
    [Fact]
    public void Fit_on_fifty_Brown_sentences_with_key_labels_predicts_one_key_per_word_with_the_labels_key_values()
    {
        var ml = new MLContext(seed: 1);
        var options = TokenClassificationData.Tiny(epochs: 6);
        options.TokenClassification.WordsColumnName = "Words";
        var rows = ml.Data.LoadFromEnumerable(TokenClassificationData.Words(50));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Tags").Fit(rows).Transform(rows);

        using var model = ml.Transforms.AttentionEncoder(options).Fit(keyed);
        var scored = model.Transform(keyed);

        var predicted = scored.Schema["PredictedLabel"];
        var labelKey = (KeyDataViewType)((VectorDataViewType)keyed.Schema["Tags"].Type).ItemType;
        Assert.Equal(new VectorDataViewType(new KeyDataViewType(typeof(uint), labelKey.Count), 0), predicted.Type);
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        predicted.GetKeyValues(ref keyValues);
        VBuffer<ReadOnlyMemory<char>> labelValues = default;
        keyed.Schema["Tags"].GetKeyValues(ref labelValues);
        Assert.Equal(labelValues.DenseValues().Select(v => v.ToString()), keyValues.DenseValues().Select(v => v.ToString()));
        var words = scored.GetColumn<string[]>("Words").ToList();
        var scores = scored.GetColumn<float[]>("Score").ToList();
        Assert.All(words.Zip(scores), p => Assert.Equal(p.First.Length, p.Second.Length));
        Assert.All(scores.SelectMany(s => s), s => Assert.InRange(s, 0f, 1f));

        var metrics = TokenClassificationEvaluator.Evaluate(scored, labelColumnName: "Tags", scheme: TagScheme.None);
        double majority = TokenClassificationData.Words(50).SelectMany(r => r.Tags).GroupBy(t => t).Max(g => g.Count()) / (double)metrics.TokenCount;
        Assert.True(metrics.TokenAccuracy > majority + 0.3, $"token accuracy {metrics.TokenAccuracy:P1}; the majority tag is {majority:P1}");
        var back = ml.Transforms.Conversion.MapKeyToValue("PredictedTags", "PredictedLabel").Fit(scored).Transform(scored);
        Assert.Equal(words.Select(w => w.Length), back.GetColumn<string[]>("PredictedTags").Select(t => t.Length));
    }

    [Fact]
    public void Text_labels_give_text_predictions_one_per_word_and_a_text_column_is_split_on_white_space()
    {
        var ml = new MLContext(seed: 1);
        var options = TokenClassificationData.Tiny(maxSteps: 4);
        var train = ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(16));
        using var model = ml.Transforms.AttentionEncoder(options).Fit(train);
        var tags = TokenClassificationData.Sentences(16).SelectMany(r => r.Tags).ToHashSet();

        var probe = ml.Data.LoadFromEnumerable(new[]
        {
            new TokenClassificationData.SentenceRow { Text = "  The   jury\tsaid \n it " },
            new TokenClassificationData.SentenceRow { Text = "" },
        });
        var scored = model.Transform(probe);

        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance, 0), scored.Schema["PredictedLabel"].Type);
        var predicted = scored.GetColumn<string[]>("PredictedLabel").ToList();
        var scores = scored.GetColumn<float[]>("Score").ToList();
        Assert.Equal(4, predicted[0].Length);
        Assert.All(predicted[0], t => Assert.Contains(t, tags));
        Assert.Equal(4, scores[0].Length);
        Assert.Empty(predicted[1]);                // an empty sentence: empty vectors
        Assert.Empty(scores[1]);
    }

    [Fact]
    public void Rows_whose_label_count_differs_from_their_word_count_are_skipped_and_counted_in_the_log()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => log.Add(e.Message);
        var rows = TokenClassificationData.Sentences(12);
        rows[3].Tags = rows[3].Tags[1..];
        rows[7].Tags = [.. rows[7].Tags, "nn"];
        rows.Add(new TokenClassificationData.SentenceRow());   // an empty sentence, skipped too

        using var model = ml.Transforms.AttentionEncoder(TokenClassificationData.Tiny(maxSteps: 2)).Fit(ml.Data.LoadFromEnumerable(rows));

        Assert.Contains(log, m => m.Contains("Skipped 3 of 13 rows of the training data", StringComparison.Ordinal)
            && m.Contains("2 rows whose label count differs from their word count", StringComparison.Ordinal)
            && m.Contains("1 empty sentences", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_with_TrainingPrecision_Automatic_trains_and_predicts()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => log.Add(e.Message);
        var options = TokenClassificationData.Tiny(maxSteps: 3);
        options.TrainingPrecision = TrainingPrecision.Automatic;
        var data = ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(12));

        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);

        Assert.Equal(BFloat16Support.OnCpu, log.Any(m => m.Contains("Training precision: BFloat16", StringComparison.Ordinal)));
        var scores = model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToList();
        Assert.NotEmpty(scores);
        Assert.All(scores, s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public void Entities_on_IOB2_NAME_tags_are_the_spans_of_the_predicted_tags_with_their_characters_in_the_text()
    {
        var ml = new MLContext(seed: 1);
        var options = TokenClassificationData.Tiny(epochs: 4);
        options.TokenClassification.LabelColumnName = "Names";
        options.TokenClassification.TagScheme = TagScheme.Iob2;
        options.TokenClassification.AddEntities = true;
        var data = ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(40));
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);

        var scored = model.Transform(data);

        var texts = scored.GetColumn<string>("Text").ToList();
        var tags = scored.GetColumn<string[]>("PredictedLabel").ToList();
        var entities = scored.GetColumn<string[]>("Entities").ToList();
        var types = scored.GetColumn<string[]>("EntityTypes").ToList();
        var starts = scored.GetColumn<int[]>("EntityStarts").ToList();
        var lengths = scored.GetColumn<int[]>("EntityLengths").ToList();
        var entityScores = scored.GetColumn<float[]>("EntityScores").ToList();
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int32, 0), scored.Schema["EntityStarts"].Type);
        for (int row = 0; row < texts.Count; row++)
        {
            var spans = EntityChunker.Chunks(tags[row], TagScheme.Iob2, "test");
            Assert.Equal(spans.Select(s => s.Type), types[row]);
            Assert.Equal(spans.Count, entities[row].Length);
            Assert.Equal(spans.Count, entityScores[row].Length);
            for (int e = 0; e < spans.Count; e++)
                Assert.Equal(entities[row][e], texts[row].Substring(starts[row][e], lengths[row][e]));
        }
        Assert.All(types.SelectMany(t => t), t => Assert.Equal("NAME", t));
    }

    [Fact]
    public void Bad_options_and_columns_fail_naming_the_option_or_the_column()
    {
        var ml = new MLContext(seed: 1);
        var options = TokenClassificationData.Tiny(maxSteps: 1);
        options.TokenClassification.Stride = 0;
        Assert.Contains("TransformerTextOptions.TokenClassification.Stride must be at least 1; it is 0.",
            Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options)).Message, StringComparison.Ordinal);
        options = TokenClassificationData.Tiny(maxSteps: 1);
        options.TokenClassification.AddEntities = true;
        Assert.Contains("TokenClassification.TagScheme must name the spans' scheme",
            Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(options)).Message, StringComparison.Ordinal);

        options = TokenClassificationData.Tiny(maxSteps: 1);
        options.TokenClassification.LabelColumnName = "NoSuchLabels";
        var data = ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(4));
        Assert.Contains("NoSuchLabels", Assert.ThrowsAny<Exception>(() => ml.Transforms.AttentionEncoder(options).Fit(data)).Message, StringComparison.Ordinal);

        options = TokenClassificationData.Tiny(maxSteps: 1);
        options.TokenClassification.TagScheme = TagScheme.Iob2;   // Brown tags are not IOB2 tags
        Assert.Contains("is not an Iob2 tag", Assert.ThrowsAny<Exception>(() => ml.Transforms.AttentionEncoder(options).Fit(data)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttentionNamedEntityRecognition_passes_a_copy_with_its_task_and_leaves_the_callers_options_unchanged()
    {
        var ml = new MLContext(seed: 1);
        var options = TokenClassificationData.Tiny(maxSteps: 1);
        options.Task = TransformerTask.MaskedLanguageModeling;

        var estimator = ml.MulticlassClassification.Trainers.AttentionNamedEntityRecognition(options);
        using var model = estimator.Fit(ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(4)));

        Assert.Equal(TransformerTask.TokenClassification, model.Task);
        Assert.Equal(TransformerTask.MaskedLanguageModeling, options.Task);
        Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.AttentionNamedEntityRecognition(" "));
    }
}
