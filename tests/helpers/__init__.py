"""What tests share: builders of test data, Streamlit AppTest helpers, and small tools. Test
modules import from here, never from one another."""
