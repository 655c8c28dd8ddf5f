using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Builds a generation <see cref="TransformerTextTransformer"/> from a llama2.c checkpoint and tokenizer file.</summary>
internal static class Llama2cImporter
{
    public static TransformerTextTransformer Import(IHostEnvironment env, string checkpointPath, string tokenizerPath,
        string promptColumnName, string outputColumnName, GenerationOptions? generation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(promptColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        generation ??= new GenerationOptions();
        generation.Validate();

        var config = Llama2cCheckpoint.ReadConfig(checkpointPath);
        var tokenizer = TextTokenizer.CreateLlama2c(tokenizerPath, config.VocabularySize);
        var spec = new CausalLanguageModelingSpec(promptColumnName, outputColumnName, generation);
        var network = Llama2cCheckpoint.Load(checkpointPath);
        var device = DeviceSelection.Resolve(TransformerDevice.Automatic);
        network.to(device);
        network.eval();
        var model = new TransformerTextModel(spec.Task, network.Backbone.Config, tokenizer, TaskNetwork.Of(network), device);
        return new TransformerTextTransformer(env, model, spec, inferenceBatchSize: 32);
    }
}
