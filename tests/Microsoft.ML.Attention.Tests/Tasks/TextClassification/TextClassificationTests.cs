using System.Globalization;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using static Microsoft.ML.Attention.Tests.Estimators.TextClassificationData;

namespace Microsoft.ML.Attention.Tests.Estimators;

public class TextClassificationTests
{
    [Fact]
    public void Boolean_label_gives_binary_columns_that_BinaryClassification_Evaluate_reads()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(64));
        using var model = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 2)).Fit(data);

        var output = model.Transform(data);
        Assert.Equal(BooleanDataViewType.Instance, output.Schema["PredictedLabel"].Type);
        Assert.Equal(NumberDataViewType.Single, output.Schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, output.Schema["Probability"].Type);
        var metrics = ml.BinaryClassification.Evaluate(output);
        var scores = output.GetColumn<float>("Score").ToArray();
        var probabilities = output.GetColumn<float>("Probability").ToArray();
        var predicted = output.GetColumn<bool>("PredictedLabel").ToArray();
        var labels = output.GetColumn<bool>("Label").ToArray();
        Assert.Equal(predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length, metrics.Accuracy, 9);
        Assert.True(double.IsFinite(metrics.LogLoss));

        for (int i = 0; i < scores.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-scores[i])), probabilities[i], tolerance: 1e-6);   // a float32 sigmoid; not rounding (that fails across a rounding boundary)
            Assert.Equal(scores[i] > 0, predicted[i]);
        }
    }

    [Fact]
    public void Key_label_gives_class_probabilities_and_a_predicted_key_with_the_label_key_values()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(YelpCategories(64));
        var options = Tiny(maxSteps: 2);
        options.TextClassification.LabelColumnName = "Category";
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Category")
            .Append(ml.Transforms.AttentionEncoder(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedCategory", "PredictedLabel"));
        var model = pipeline.Fit(data);

        var output = model.Transform(data);
        var score = output.Schema["Score"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), score.Type);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        score.GetSlotNames(ref slotNames);
        var labelKeys = default(VBuffer<ReadOnlyMemory<char>>);
        output.Schema["Category"].GetKeyValues(ref labelKeys);
        Assert.Equal(labelKeys.DenseValues().Select(v => v.ToString()), slotNames.DenseValues().Select(v => v.ToString()));
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), output.Schema["PredictedLabel"].Type);
        Assert.All(output.GetColumn<float[]>("Score"), p => Assert.Equal(1.0, p.Sum(), 4));
        Assert.All(output.GetColumn<string>("PredictedCategory"), c => Assert.Contains(c, new[] { "pos", "neg", "short" }));

        var metrics = ml.MulticlassClassification.Evaluate(output, labelColumnName: "Category");
        var predictedKeys = output.GetColumn<uint>("PredictedLabel").ToArray();
        var actualKeys = output.GetColumn<uint>("Category").ToArray();
        Assert.Equal(predictedKeys.Zip(actualKeys).Count(p => p.First == p.Second) / (double)actualKeys.Length, metrics.MicroAccuracy, 9);
        Assert.Equal(3, metrics.PerClassLogLoss.Count);
    }

    [Fact]
    public void Text_pairs_read_the_second_column()
    {
        var ml = new MLContext(seed: 1);
        var yelp = TinyModels.YelpRows(40);
        var rows = yelp.Select((r, i) => new PairRow { Text = r.Text, Second = yelp[(i + 1) % yelp.Count].Text, Label = r.Label }).ToList();
        var options = Tiny(maxSteps: 3);
        options.TextClassification.SecondTextColumnName = "Second";
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(["Text", "Second"], model.InputColumnNames);

        var swapped = rows.Select(r => new PairRow { Text = r.Text, Second = "completely different second text", Label = r.Label }).ToList();
        var a = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        var b = model.Transform(ml.Data.LoadFromEnumerable(swapped)).GetColumn<float>("Score").ToArray();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Pair_model_saved_then_loaded_in_fresh_process_gives_identical_scores()
    {
        var ml = new MLContext(seed: 1);
        var yelp = TinyModels.YelpRows(24);
        var rows = yelp.Select((r, i) => new PairRow { Text = r.Text, Second = yelp[(i + 5) % yelp.Count].Text, Label = r.Label }).ToList();
        var options = Tiny(maxSteps: 3);
        options.TextClassification.SecondTextColumnName = "Second";
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        var expected = model.Transform(data).GetColumn<float>("Probability").ToArray();
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "pairs.zip");
        ml.Model.Save(model, data.Schema, path);

        var probed = ModelProbeProcess.RunPairs(path, "Second", rows.Select(r => (r.Text, r.Second)).ToList(), "Probability");

        Assert.Equal(expected, probed.Select(r => float.Parse(r["Probability"], System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public void Tiny_real_data_run_beats_the_majority_class()
    {
        var ml = new MLContext(seed: 1);
        var rows = TinyModels.YelpRows(600);
        var train = ml.Data.LoadFromEnumerable(rows.Take(480).ToList());
        var test = rows.Skip(480).ToList();
        var options = Tiny(epochs: 4);
        options.Tokenizer = TokenizerKind.WordPiece;
        options.VocabularyPath = TestData.Path("vocab", "bert-base-uncased", "vocab.txt");
        options.Model = options.Model with { MaxSequenceLength = 48 };
        using var model = ml.Transforms.AttentionEncoder(options).Fit(train);

        var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
        double majority = Math.Max(test.Count(r => r.Label), test.Count(r => !r.Label)) / (double)test.Count;
        Assert.True(metrics.Accuracy > majority + 0.05, $"accuracy {metrics.Accuracy:P1}, majority class {majority:P1}");
    }

    [Fact]
    public void Validation_covers_the_whole_set_each_epoch_and_early_stopping_keeps_the_best_epoch()
    {
        var ml = new MLContext(seed: 1);
        var rows = TinyModels.YelpRows(120);
        var options = Tiny(epochs: 6);
        options.ValidationSet = ml.Data.LoadFromEnumerable(rows.Skip(80).ToList());
        options.EarlyStoppingPatience = 1;
        options.LearningRate = 2e-2;
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("validation") || e.Message.Contains("Kept")) log.Add(e.Message); };
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows.Take(80).ToList()));

        var history = model.TrainingResult!;
        Assert.NotEmpty(history.EpochValidations);
        Assert.All(history.EpochValidations, v => Assert.Contains("over 40 rows", v.Summary));
        Assert.Contains(log, m => m.Contains("accuracy"));
        double best = history.EpochValidations.Max(v => v.Score);
        Assert.Equal(best, history.EpochValidations[history.BestEpoch].Score);
        var accuracy = ml.BinaryClassification.Evaluate(model.Transform(options.ValidationSet)).Accuracy;
        Assert.Equal(best, accuracy, 6);
    }

    [Fact]
    public void Save_then_load_in_fresh_process_gives_identical_scores()
    {
        var ml = new MLContext(seed: 1);
        var rows = YelpCategories(40);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Category").Fit(ml.Data.LoadFromEnumerable(rows))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        var options = Tiny(maxSteps: 3);
        options.TextClassification.LabelColumnName = "Category";
        using var model = ml.Transforms.AttentionEncoder(options).Fit(keyed);
        var texts = rows.Take(10).Select(r => r.Text).Concat([""]).ToList();
        var data = TinyModels.Texts(ml, texts);
        var output = model.Transform(data);
        var expectedScores = output.GetColumn<float[]>("Score").ToArray();
        var expectedLabels = output.GetColumn<uint>("PredictedLabel").ToArray();

        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "classifier.zip");
        ml.Model.Save(model, data.Schema, path);
        var probed = ModelProbeProcess.Run(path, texts, "Score", "PredictedLabel");

        Assert.Equal(texts.Count, probed.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            var scores = probed[i]["Score"].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expectedScores[i], scores);   // exact
            Assert.Equal(expectedLabels[i].ToString(CultureInfo.InvariantCulture), probed[i]["PredictedLabel"]);
        }
    }

    [Fact]
    public void Reloaded_model_keeps_key_values_and_PredictionEngine_matches_Transform()
    {
        var ml = new MLContext(seed: 1);
        var rows = YelpCategories(40);
        var options = Tiny(maxSteps: 2);
        options.TextClassification.LabelColumnName = "Category";
        options.InferenceBatchSize = 7;
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Category").Append(ml.Transforms.AttentionEncoder(options)).Fit(data);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention").FullName, "pipeline.zip");
        ml.Model.Save(model, data.Schema, path);

        var reloaded = new MLContext().Model.Load(path, out _);
        var output = reloaded.Transform(data);
        var keys = default(VBuffer<ReadOnlyMemory<char>>);
        output.Schema["PredictedLabel"].GetKeyValues(ref keys);
        Assert.Equal(["pos", "neg", "short"], keys.DenseValues().Select(v => v.ToString()).OrderBy(v => v == "short").ThenBy(v => v != "pos"));
        var batch = output.GetColumn<float[]>("Score").ToArray();
        var engine = ml.Model.CreatePredictionEngine<CategoryRow, ScoreRow>(reloaded);
        for (int i = 0; i < rows.Count; i++)
        {
            var single = engine.Predict(rows[i]).Score;
            for (int c = 0; c < single.Length; c++)
                Assert.True(Math.Abs(batch[i][c] - single[c]) <= 1e-5, $"row {i} class {c}: {batch[i][c]} vs {single[c]}");
        }
        (reloaded as IDisposable)?.Dispose();
    }

    [Fact]
    public void FreezeEncoder_trains_only_the_head()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(48));
        var encoderOptions = TinyModels.MaskedLm();
        encoderOptions.MaxSteps = 2;
        using var encoder = ml.Transforms.AttentionEncoder(encoderOptions).Fit(data);
        var options = Tiny(maxSteps: 3);
        options.InitialModel = encoder;
        options.TextClassification.FreezeEncoder = true;
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        using var classifier = ml.Transforms.AttentionEncoder(options).Fit(data);

        Assert.Contains(messages, m => m.Contains("backbone"));
        var before = encoder.Model.Backbone.state_dict();
        foreach (var (name, weight) in classifier.Model.Backbone.state_dict())
            Assert.True(weight.allclose(before[name], 0, 0), $"backbone weight {name} changed");
        Assert.Equal(encoder.Config, classifier.Config);
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
