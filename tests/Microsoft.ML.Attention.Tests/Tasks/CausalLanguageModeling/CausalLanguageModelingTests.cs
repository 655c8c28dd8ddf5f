using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Causal;

public class CausalLanguageModelingTests
{
    [Fact]
    public void Fit_lowers_the_validation_next_token_loss_of_a_tiny_model()
    {
        var ml = new MLContext(seed: 1);
        var train = TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 600));
        var options = CausalModels.TinyCharacterLm(epochs: 3);
        options.ValidationSet = TinyModels.Texts(ml, CausalModels.ShakespeareLines(600, 80));
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("causal-LM loss")) messages.Add(e.Message); };

        using var model = ml.Transforms.AttentionEncoder(options).Fit(train);

        var history = model.TrainingResult!;
        double before = history.InitialValidation!.Value.Loss;
        double after = history.EpochValidations[^1].Loss;
        Assert.Equal(TransformerTask.CausalLanguageModeling, model.Task);
        Assert.True(after < before - 1.0, $"validation loss {before:F3} -> {after:F3}");
        Assert.True(history.EpochValidations.Zip(history.EpochValidations.Skip(1)).All(p => p.Second.Loss < p.First.Loss),
            string.Join(", ", history.EpochValidations.Select(v => v.Loss.ToString("F3"))));
        Assert.Contains(messages, m => m.Contains("perplexity"));
    }

    [Fact]
    public void Transform_writes_the_generated_continuation_into_GeneratedText()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 200));
        var options = CausalModels.TinyCharacterLm();
        options.MaxSteps = 10;
        var estimator = ml.Transforms.AttentionEncoder(options);
        using var model = estimator.Fit(data);
        string[] prompts = ["First Citizen:", "", "You are all resolved rather to die than to famish?"];

        var output = model.Transform(TinyModels.Texts(ml, prompts));

        Assert.Equal(TextDataViewType.Instance, output.Schema["GeneratedText"].Type);
        var generated = output.GetColumn<string>("GeneratedText").ToArray();
        Assert.Equal(prompts.Length, generated.Length);
        Assert.All(generated, text => Assert.InRange(text.Length, 1, 24));
        Assert.Equal(prompts.Select(model.Generate), generated);
    }

    [Fact]
    public void PredictionEngine_generates_what_batch_Transform_writes()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 100));
        var options = CausalModels.TinyCharacterLm();
        options.MaxSteps = 5;
        options.InferenceBatchSize = 2;
        options.Generation = new GenerationOptions { Temperature = 0.9f, TopK = 10, Seed = 7, MaxNewTokens = 16 };
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        string[] prompts = ["Citizen", "All:", "Speak, speak."];

        var batch = model.Transform(TinyModels.Texts(ml, prompts)).GetColumn<string>("GeneratedText").ToArray();
        var engine = ml.Model.CreatePredictionEngine<TinyModels.TextRow, GeneratedRow>(model);

        Assert.Equal(batch, prompts.Select(p => engine.Predict(new TinyModels.TextRow { Text = p }).GeneratedText));
    }

    [Fact]
    public void Trained_generation_model_reloads_with_its_generation_options_and_text()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 100));
        var options = CausalModels.TinyCharacterLm();
        options.MaxSteps = 5;
        options.OutputColumnName = "Continuation";
        options.Generation = new GenerationOptions { Temperature = 0.7f, TopP = 0.9f, RepetitionPenalty = 1.2f, Seed = 3, MaxNewTokens = 20, StopSequences = { "\n\n" } };
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        options.Generation.Temperature = 5f;   // the model keeps the settings it was fitted with
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention-causal").FullName, "generator.zip");
        ml.Model.Save(model, data.Schema, path);

        using var reloaded = Assert.IsType<TransformerTextTransformer>(new MLContext().Model.Load(path, out _));

        var saved = reloaded.Generation!;
        Assert.Equal((0.7f, 0.9f, 1.2f, 3, 20), (saved.Temperature, saved.TopP, saved.RepetitionPenalty, saved.Seed!.Value, saved.MaxNewTokens));
        Assert.Equal(["\n\n"], saved.StopSequences);
        Assert.Equal(["Continuation"], reloaded.OutputColumnNames);
        Assert.Equal(model.Generate("First"), reloaded.Generate("First"));
    }

    [Fact]
    public void Prompt_longer_than_the_context_is_left_truncated_and_still_generates()
    {
        var ml = new MLContext(seed: 1);
        var options = CausalModels.TinyCharacterLm();
        options.MaxSteps = 2;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 50)));
        string tail = "Before we proceed any further, hear me speak.";
        string longPrompt = string.Concat(Enumerable.Repeat("xyz ", 40)) + tail;   // 205 characters, context 32

        Assert.Equal(model.Generate(tail[^32..]), model.Generate(longPrompt));
    }

    [Fact]
    public void Imported_llama2c_model_is_a_starting_point_for_causal_training()
    {
        var ml = new MLContext(seed: 1);
        using var stories = CausalModels.ImportStories(ml, new GenerationOptions { Temperature = 0f, MaxNewTokens = 8 });
        var options = new TransformerTextOptions
        {
            Task = TransformerTask.CausalLanguageModeling,
            InitialModel = stories,
            MaxSteps = 2,
            BatchSize = 2,
            LearningRate = 1e-4,
            Seed = 1,
            LogEverySteps = 0,
            Device = TransformerDevice.Cpu,
        };

        using var tuned = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, ["Once upon a time, a cat sat.", "Tom had a red ball."]));

        Assert.Equal(stories.Config, tuned.Config);
        Assert.Equal(stories.Tokenizer.Encode("a red ball"), tuned.Tokenizer.Encode("a red ball"));
        Assert.True(double.IsFinite(tuned.TrainingResult!.LastTrainingLoss));
        Assert.NotEmpty(tuned.Generate("Once"));
    }

    private sealed class GeneratedRow
    {
        public string GeneratedText { get; set; } = "";
    }
}
