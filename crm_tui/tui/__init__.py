"""The Textual application. Screens call services; nothing here touches the store directly."""
