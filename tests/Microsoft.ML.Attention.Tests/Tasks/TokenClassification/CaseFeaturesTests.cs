using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Export;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

/// <summary>
/// <see cref="TokenClassificationOptions.CaseFeatures"/>: word shapes from the original text, on every sub-word, a shape embedding that
/// trains, is saved with the model and is exported to ONNX as one more input.
/// </summary>
public class CaseFeaturesTests
{
    private static readonly Lazy<HashSet<string>> BrownWords = new(() => [.. BrownSample.All.SelectMany(s => s.Fields[0])]);

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class PredictionRow
    {
        public string[] PredictedLabel { get; set; } = [];
        public float[] Score { get; set; } = [];
    }

    [Theory]
    [InlineData("said", nameof(WordShape.Lower))]
    [InlineData("city's", nameof(WordShape.Lower))]
    [InlineData("The", nameof(WordShape.Capitalized))]
    [InlineData("Fulton", nameof(WordShape.Capitalized))]
    [InlineData("Atlanta's", nameof(WordShape.Capitalized))]
    [InlineData("Mrs.", nameof(WordShape.Capitalized))]
    [InlineData("I", nameof(WordShape.Capitalized))]
    [InlineData("U.S.", nameof(WordShape.Upper))]
    [InlineData("FBI", nameof(WordShape.Upper))]
    [InlineData("NATO", nameof(WordShape.Upper))]
    [InlineData("McLemore", nameof(WordShape.Mixed))]
    [InlineData("MacArthur", nameof(WordShape.Mixed))]
    [InlineData("O'Brien", nameof(WordShape.Mixed))]
    [InlineData("1961", nameof(WordShape.Digits))]
    [InlineData("1,000", nameof(WordShape.Digits))]
    [InlineData("``", nameof(WordShape.Other))]
    [InlineData(".", nameof(WordShape.Other))]
    public void Word_shapes_of_real_Brown_words(string word, string expected)   // the shape's name: WordShape is internal
    {
        Assert.Contains(word, BrownWords.Value);
        Assert.Equal(Enum.Parse<WordShape>(expected), WordShapes.Of(word));
    }

    [Fact]
    public void Lower_casing_a_word_leaves_no_capital_shape_and_the_empty_word_is_Other()
    {
        var shapes = BrownWords.Value.Select(w => WordShapes.Of(w.ToLowerInvariant())).ToHashSet();
        Assert.DoesNotContain(WordShape.Capitalized, shapes);
        Assert.DoesNotContain(WordShape.Upper, shapes);
        Assert.DoesNotContain(WordShape.Mixed, shapes);
        Assert.Equal(WordShape.Other, WordShapes.Of(""));
        Assert.Equal(WordShape.Other, WordShapes.Of(null));
        Assert.Equal(7, WordShapes.Count);
    }

    [Fact]
    public void Every_sub_word_gets_its_words_shape_and_CLS_SEP_and_padding_get_None()
    {
        var aligner = new TokenClassificationAligner(BrownSample.Tokenizer, maxLength: 128, stride: 64, caseFeatures: true);
        string[] cased = BrownSample.Words(0);                                        // "The Fulton County Grand Jury said Friday ..."
        string[] lower = [.. cased.Select(w => w.ToLowerInvariant())];
        string[] shortSentence = ["McLemore", "said", "1961"];
        var sentences = new[] { aligner.Align(cased), aligner.Align(lower), aligner.Align(shortSentence) };

        var (ids, mask, shapes) = aligner.Tensors([.. sentences.Select(s => (s, 0))], CPU);   // [3, T] each

        Assert.NotNull(shapes);
        long length = ids.shape[1];
        long[] id = ids.data<long>().ToArray(), shape = shapes!.data<long>().ToArray(), real = mask.data<long>().ToArray();
        Assert.Equal(id.AsSpan(0, (int)length).ToArray(), id.AsSpan((int)length, (int)length).ToArray());   // the uncased tokenizer: same ids
        Assert.NotEqual(shape.AsSpan(0, (int)length).ToArray(), shape.AsSpan((int)length, (int)length).ToArray());   // different shapes
        for (int b = 0; b < sentences.Length; b++)
        {
            var sentence = sentences[b];
            var expected = new long[length];                                           // 0 = WordShape.None: [CLS], [SEP], padding
            for (int w = 0; w < sentence.Words.Length; w++)
            {
                for (int t = sentence.FirstToken[w]; t < sentence.FirstToken[w] + sentence.TokenCount[w]; t++)
                    expected[1 + t] = (long)WordShapes.Of(sentence.Words[w]);
            }
            Assert.Equal(expected, shape.AsSpan((int)(b * length), (int)length).ToArray());
            Assert.Equal(sentence.WindowLength(0), real.AsSpan((int)(b * length), (int)length).ToArray().Count(m => m == 1));
        }
        Assert.True(sentences[2].TokenCount[0] > 1, "McLemore is split into sub-words; every one of them is Mixed");

        var (_, _, none) = new TokenClassificationAligner(BrownSample.Tokenizer, 128, 64).Tensors([(sentences[0], 0)], CPU);
        Assert.Null(none);
    }

    [Fact]
    public void With_CaseFeatures_the_model_trains_a_shape_embedding_that_tells_Fulton_from_fulton_saves_it_and_PredictionEngine_equals_Transform()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(40));
        var probe = ml.Data.LoadFromEnumerable(new[]
        {
            new TextRow { Text = "The jury said Fulton County voted" },
            new TextRow { Text = "the jury said fulton county voted" },
        });
        var plain = TokenClassificationData.Tiny(maxSteps: 6);
        plain.TokenClassification.CaseFeatures = false;
        var withCase = TokenClassificationData.Tiny(maxSteps: 6);
        Assert.True(withCase.TokenClassification.CaseFeatures);                          // the default

        using var plainModel = ml.Transforms.AttentionEncoder(plain).Fit(train);
        using var model = ml.Transforms.AttentionEncoder(withCase).Fit(train);

        var plainScores = plainModel.Transform(probe).GetColumn<float[]>("Score").ToList();
        Assert.Equal(plainScores[0], plainScores[1]);                                    // uncased: capitalization never reaches the model
        var scores = model.Transform(probe).GetColumn<float[]>("Score").ToList();
        Assert.NotEqual(scores[0], scores[1]);
        var network = (TokenClassifier)model.Model.Network;
        Assert.Equal(WordShapes.Count, network.ShapeCount);
        var shapeWeights = network.state_dict()["shape_embedding.weight"];
        Assert.Equal([WordShapes.Count, withCase.Model!.ModelDimension], shapeWeights.shape);
        Assert.True(shapeWeights.abs().max().item<float>() > 0, "the shape embedding starts at zero and must have trained");
        Assert.Equal(0, ((TokenClassifier)plainModel.Model.Network).ShapeCount);

        string path = Path.Combine(Path.GetTempPath(), $"mlattention-case-{Environment.ProcessId}-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var fresh = new MLContext(seed: 2);
            var loaded = fresh.Model.Load(path, out _);
            var reloaded = loaded.Transform(fresh.Data.LoadFromEnumerable(probe.GetColumn<string>("Text").Select(t => new TextRow { Text = t }))).GetColumn<float[]>("Score").ToList();
            Assert.Equal(scores, reloaded);
            using var engine = fresh.Model.CreatePredictionEngine<TextRow, PredictionRow>(loaded);
            var labels = model.Transform(probe).GetColumn<string[]>("PredictedLabel").ToList();
            for (int r = 0; r < 2; r++)
            {
                var predicted = engine.Predict(new TextRow { Text = r == 0 ? "The jury said Fulton County voted" : "the jury said fulton county voted" });
                Assert.Equal(scores[r], predicted.Score);
                Assert.Equal(labels[r], predicted.PredictedLabel);
            }
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ExportToOnnx_with_CaseFeatures_has_a_word_shape_input_and_matches_the_network_within_1e_4()
    {
        var ml = new MLContext(seed: 1);
        var options = TokenClassificationData.Tiny(maxSteps: 4);
        options.TokenClassification.CaseFeatures = true;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(24)));
        var (batch, shapes) = TokenClassificationData.Windows(model, TokenClassificationData.Sentences(6, skip: 30).Select(r => r.Text.Split(' ')));
        Assert.NotNull(shapes);
        var network = (TokenClassifier)model.Model.Network;
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = batch.ToTensors(CPU);                                           // [B, T]
        var shapeIds = tensor(shapes!, [batch.BatchSize, batch.SequenceLength], int64);   // [B, T]
        float[] expected = network.forward(ids, mask, tokenTypeIds: null, shapeIds: shapeIds).contiguous().data<float>().ToArray();   // [B, T, C]
        float[] withoutShapes = network.forward(ids, mask).contiguous().data<float>().ToArray();

        string path = ExportedModel.TempPath("case-features");
        model.ExportToOnnx(path);
        using var exported = new ExportedModel(path);                                     // deletes the file when disposed
        var logits = exported.Run(batch, new Dictionary<string, long[]> { [TokenClassificationSpec.WordShapeIdsInputName] = shapes! }, "logits")["logits"];

        Assert.Equal(["input_ids", "attention_mask", "token_type_ids", TokenClassificationSpec.WordShapeIdsInputName], exported.InputNames);
        double difference = ExportedModel.MaxDifferenceAtRealTokens(batch, expected, logits);
        Assert.True(difference < 1e-4, $"max |library - ONNX Runtime| over real tokens = {difference:E2}");
        Assert.True(ExportedModel.MaxDifferenceAtRealTokens(batch, withoutShapes, logits) > 1e-3, "the shapes must matter to the logits compared");
    }

    [Fact]
    public void A_spec_saved_before_case_features_loads_with_them_off_and_the_flag_round_trips()
    {
        var labels = TokenClassificationLabels.OfText(["B-NAME", "I-NAME", "O"]);
        foreach (bool caseFeatures in new[] { false, true })
        {
            var spec = new TokenClassificationSpec("Words", wordsAreVector: true, labels, TagScheme.Iob2, TokenAggregation.First, 64, addEntities: true, caseFeatures);
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                spec.Save(writer);
            byte[] bytes = stream.ToArray();

            Assert.Equal(caseFeatures, TokenClassificationSpec.Load(new BinaryReader(new MemoryStream(bytes))).CaseFeatures);
            var before = TokenClassificationSpec.Load(new BinaryReader(new MemoryStream(bytes[..^1])));   // format 0x00010002: no flag
            Assert.False(before.CaseFeatures);
            Assert.Equal(["B-NAME", "I-NAME", "O"], before.Labels.Names);
        }
    }
}
